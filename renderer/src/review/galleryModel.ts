import type { CellSummary, TaxonomyClass } from '../../../electron/shared/api/views.js';
import type { ReviewMode } from '../state/useReviewStore';

/** One virtualised row of the gallery: a class header or a row of crops. */
export type GalleryRow =
  | { readonly kind: 'header'; readonly key: string; readonly code: string | null; readonly title: string; readonly count: number }
  | { readonly kind: 'cells'; readonly key: string; readonly code: string | null; readonly cells: readonly CellSummary[] };

/** Rows, the visual order of cells (for keyboard moves) and where each cell sits. */
export interface GalleryModel {
  readonly rows: readonly GalleryRow[];
  readonly order: readonly string[];
  readonly position: ReadonlyMap<string, { readonly row: number; readonly col: number; readonly index: number }>;
}

/**
 * Lays cells out as per-class galleries (taxonomy order) or as one queue, in rows of `columns`
 * crops, keeping the order of `cells` (the host sends them most uncertain first). Pure and memoised.
 */
export function galleryModel(cells: readonly CellSummary[], mode: ReviewMode, taxonomy: readonly TaxonomyClass[], columns: number): GalleryModel {
  const cols = Math.max(1, columns);
  const groups: { code: string | null; title: string; cells: CellSummary[] }[] = [];
  if (mode === 'uncertain-first') {
    // The host lists cells most uncertain first, and review updates keep that order: no sort needed.
    groups.push({ code: null, title: 'Most uncertain first', cells: [...cells] });
  } else {
    const byCode = new Map<string, CellSummary[]>();
    for (const c of cells) {
      const list = byCode.get(c.currentCode);
      if (list) list.push(c);
      else byCode.set(c.currentCode, [c]);
    }
    const known: string[] = taxonomy.map((t) => t.code);
    const codes = [...known.filter((c) => byCode.has(c)), ...[...byCode.keys()].filter((c) => !known.includes(c)).sort()];
    for (const code of codes) {
      const t = taxonomy.find((x) => x.code === code);
      const list = byCode.get(code)!; // already most uncertain first (grouping keeps the host's order)
      groups.push({ code, title: t ? `${t.name}` : code, cells: list });
    }
  }
  const rows: GalleryRow[] = [];
  const order: string[] = [];
  const position = new Map<string, { row: number; col: number; index: number }>();
  for (const g of groups) {
    rows.push({ kind: 'header', key: `h-${g.code ?? 'queue'}`, code: g.code, title: g.title, count: g.cells.length });
    for (let i = 0; i < g.cells.length; i += cols) {
      const slice = g.cells.slice(i, i + cols);
      const row = rows.length;
      slice.forEach((c, col) => {
        position.set(c.cellId, { row, col, index: order.length });
        order.push(c.cellId);
      });
      rows.push({ kind: 'cells', key: `r-${g.code ?? 'queue'}-${i}`, code: g.code, cells: slice });
    }
  }
  return { rows, order, position };
}

/** The cell a vertical move lands on: same column in the previous/next row of crops (clamped), or null. */
export function verticalNeighbour(model: GalleryModel, cellId: string, dir: -1 | 1): string | null {
  const pos = model.position.get(cellId);
  if (!pos) return null;
  for (let r = pos.row + dir; r >= 0 && r < model.rows.length; r += dir) {
    const row = model.rows[r]!;
    if (row.kind !== 'cells') continue;
    return row.cells[Math.min(pos.col, row.cells.length - 1)]!.cellId;
  }
  return null;
}

/** Where focus goes after acting on `targets`: the first later cell not among them, else the nearest earlier one. */
export function nextAfter(model: GalleryModel, targets: readonly string[]): string | null {
  const set = new Set(targets);
  const last = Math.max(...targets.map((t) => model.position.get(t)?.index ?? -1));
  for (let i = last + 1; i < model.order.length; i++) if (!set.has(model.order[i]!)) return model.order[i]!;
  for (let i = last - 1; i >= 0; i--) if (!set.has(model.order[i]!)) return model.order[i]!;
  return null;
}
