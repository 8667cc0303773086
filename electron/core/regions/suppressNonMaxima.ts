import type { Rect } from '../../shared/domain/geometry.js';
import { rectIoU } from '../../shared/domain/geometry.js';

/** Something with a box and a score, e.g. a candidate region. */
export interface Scored {
  readonly rect: Rect;
  readonly score: number;
}

/** Options for {@link suppressNonMaxima}. */
export interface SuppressionOptions {
  /** Keep at most this many. */
  readonly limit: number;
  /** Drop a box whose IoU with a kept one exceeds this (default 0: boxes may not overlap at all). */
  readonly maxIoU?: number;
  /** Drop a box whose centre is closer than this (level-0 px) to a kept one's, so picks spread over the slide (default 0). */
  readonly minCentreDistance?: number;
}

/**
 * Greedy non-maximum suppression: best score first (ties: top-most, then left-most, so the result
 * never depends on input order), keeping a box only when it is far enough from every box kept so far.
 */
export function suppressNonMaxima<T extends Scored>(items: readonly T[], options: SuppressionOptions): T[] {
  const maxIoU = options.maxIoU ?? 0;
  const minDist2 = (options.minCentreDistance ?? 0) ** 2;
  const order = [...items].sort((a, b) => b.score - a.score || a.rect.y - b.rect.y || a.rect.x - b.rect.x);
  const kept: T[] = [];
  for (const item of order) {
    if (kept.length >= options.limit) break;
    const clash = kept.some((k) => rectIoU(k.rect, item.rect) > maxIoU || centreDistance2(k.rect, item.rect) < minDist2);
    if (!clash) kept.push(item);
  }
  return kept;
}

function centreDistance2(a: Rect, b: Rect): number {
  const dx = a.x + a.width / 2 - (b.x + b.width / 2);
  const dy = a.y + a.height / 2 - (b.y + b.height / 2);
  return dx * dx + dy * dy;
}
