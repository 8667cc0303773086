import type { CaseStore, CellRecord } from '../store/index.js';

/** Every cell of a run with its full record, region by region in processing order (no crop bytes). */
export function runCells(store: CaseStore, runId: number): Iterable<CellRecord> {
  store.runs.get(runId); // NOT_FOUND for an unknown run
  return store.cells.listForRun(runId);
}
