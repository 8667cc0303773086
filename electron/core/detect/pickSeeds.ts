/** Seed selection for splitting touching nuclei: peaks of the distance transform, pure TypeScript. */

/** How peaks become seeds, in working pixels. */
export interface SeedOptions {
  /** A peak must be at least this deep (distance to the blob edge) to seed its own cell. */
  readonly minRadius: number;
  /** Seeds in one blob are at least this far apart (greedy, deepest first). */
  readonly minDistance: number;
  /** A peak must reach this fraction of its blob's deepest point. */
  readonly peakFraction: number;
}

/** A seed pixel and the blob (connected component) it belongs to. */
export interface Seed {
  readonly x: number;
  readonly y: number;
  readonly blob: number;
  readonly depth: number;
}

/**
 * Picks watershed seeds: local maxima (8-neighbourhood, plateaus included) of `dist` that pass
 * the depth rules, thinned greedily so no two seeds of a blob are closer than `minDistance`.
 * Every blob (label 1..blobCount-1) gets at least one seed, at its deepest pixel, so nothing is lost.
 */
export function pickSeeds(dist: Float32Array, blobs: Int32Array, W: number, H: number, blobCount: number, opts: SeedOptions): Seed[] {
  const deepest = new Float32Array(blobCount);
  const deepestAt = new Int32Array(blobCount).fill(-1);
  for (let i = 0; i < W * H; i++) {
    const b = blobs[i]!;
    if (b > 0 && dist[i]! > deepest[b]!) {
      deepest[b] = dist[i]!;
      deepestAt[b] = i;
    }
  }
  const candidates: Seed[] = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const b = blobs[i]!;
      if (b <= 0) continue;
      const d = dist[i]!;
      if (d < opts.minRadius || d < opts.peakFraction * deepest[b]!) continue;
      if (isLocalMax(dist, W, H, x, y, d)) candidates.push({ x, y, blob: b, depth: d });
    }
  }
  candidates.sort((a, b) => b.depth - a.depth || a.y - b.y || a.x - b.x);
  const chosen: Seed[] = [];
  const byBlob = new Map<number, Seed[]>();
  const min2 = opts.minDistance * opts.minDistance;
  for (const c of candidates) {
    const list = byBlob.get(c.blob) ?? [];
    if (list.some((s) => (s.x - c.x) ** 2 + (s.y - c.y) ** 2 < min2)) continue;
    list.push(c);
    byBlob.set(c.blob, list);
    chosen.push(c);
  }
  for (let b = 1; b < blobCount; b++) {
    const at = deepestAt[b]!;
    if (!byBlob.has(b) && at >= 0) chosen.push({ x: at % W, y: Math.floor(at / W), blob: b, depth: deepest[b]! });
  }
  return chosen;
}

function isLocalMax(dist: Float32Array, W: number, H: number, x: number, y: number, d: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= H) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if ((dx === 0 && dy === 0) || xx < 0 || xx >= W) continue;
      if (dist[yy * W + xx]! > d) return false;
    }
  }
  return true;
}
