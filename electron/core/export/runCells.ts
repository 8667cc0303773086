import type { CaseStore, CellRecord } from '../store/index.js';

/** Every cell of a run with its full record, region by region in processing order (no crop bytes). */
export function* runCells(store: CaseStore, runId: number): Generator<CellRecord> {
  store.runs.get(runId); // NOT_FOUND for an unknown run
  for (const region of store.regions.list(runId)) {
    const { cells } = store.cells.inViewport(runId, region.bounds, { limit: 1_000_000 });
    const mine = cells.filter((c) => c.regionId === region.id).sort((a, b) => a.localIndex - b.localIndex);
    for (const c of mine) yield store.cells.get(c.id);
  }
}
