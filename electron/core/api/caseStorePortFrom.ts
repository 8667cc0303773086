import { basename } from 'node:path';
import type { SlideInfo } from '../../shared/domain/Slide.js';
import type { CellSummary as CellView, ReviewAction, RunSummary } from '../../shared/api/views.js';
import { mppOf } from '../../shared/domain/PixelCalibration.js';
import { AppError } from '../../shared/errors/AppError.js';
import { isErrorCode, type ErrorCode } from '../../shared/errors/ErrorCode.js';
import type { CaseStore, CellSummary as StoredCell, ReviewBatch } from '../store/index.js';
import type { CaseStorePort, CellQuery, RunRecord, StoreReviewResult } from './ports.js';
import { storeId } from './storeId.js';

type CellRow = Omit<CellView, 'cropUrl'>;

/**
 * The CaseStorePort over the real case store (one SQLite case file). Ids cross the API as decimal
 * strings. Uncertainty is the entropy of the ensemble's mean probabilities divided by ln(number of
 * classes of the run's model), so 0 = certain and 1 = uniform whatever the model. The last action
 * of a reviewed cell is read from its label: DEFER → defer, the model's class → confirm, another
 * class → reclassify (the effect the decision log records, whichever gesture produced it).
 */
export function caseStorePortFrom(store: CaseStore): CaseStorePort {
  const classCount = new Map<number, number>();
  const lnClasses = (runId: number): number => {
    let k = classCount.get(runId);
    if (k === undefined) {
      k = store.runs.get(runId).classCodes.length;
      classCount.set(runId, k);
    }
    return Math.log(Math.max(2, k));
  };
  const toView = (c: StoredCell): CellRow => ({
    cellId: String(c.id),
    runId: String(c.runId),
    x: c.centroid.x,
    y: c.centroid.y,
    bounds: c.bbox,
    predictedCode: c.predictedCode,
    currentCode: c.labelCode,
    uncertainty: c.entropy === null ? 1 : Math.min(1, Math.max(0, c.entropy / lnClasses(c.runId))),
    reviewed: c.reviewed,
    lastAction: c.reviewed ? lastActionOf(c) : null,
  });
  // Every cell of a run, most uncertain first, kept in memory: reading 5,000 rows through the
  // derived-label view costs 100–200 ms, too slow for each keystroke. The host is the case file's
  // single writer, so the copy stays true: cell inserts (the pipeline) change the run's cell count,
  // which refetches; review decisions go through this port, which replaces the changed rows with
  // what the store returns after each write.
  const runCells = new Map<number, { count: number; list: CellRow[]; index: Map<string, number> }>();
  const allCells = (runId: number): CellRow[] => {
    const n = store.cells.countForRun(runId);
    let cached = runCells.get(runId);
    if (!cached || cached.count !== n) {
      const list = n === 0 ? [] : store.cells.byUncertainty(runId, { limit: n }).map(toView);
      cached = { count: n, list, index: new Map(list.map((c, i) => [c.cellId, i])) };
      runCells.set(runId, cached);
    }
    return cached.list;
  };
  const remember = (rows: readonly CellRow[]): void => {
    for (const row of rows) {
      const cached = runCells.get(Number(row.runId));
      const i = cached?.index.get(row.cellId);
      if (cached && i !== undefined) cached.list[i] = row;
    }
  };
  // The worklist needs two counts per run: SQL gives them without reading every row (≈ 100 ms for
  // 5,000 cells, which held the host's event loop while a fresh view's tiles waited).
  const runSummary = (runId: number): RunRecord => {
    const r = store.runs.get(runId);
    return {
      runId: String(r.id),
      storedSlideId: String(r.slideId),
      state: r.status,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      cellCount: store.cells.countForRun(runId),
      reviewedCount: store.cells.reviewedCountForRun(runId),
      error: r.error ? { code: asErrorCode(r.error.code), message: r.error.message } : null,
    };
  };
  const result = (batch: ReviewBatch | null, reviewer: string): StoreReviewResult => {
    const changed = batch ? [...new Set(batch.cellIds)].map((id) => toView(store.cells.get(id))) : [];
    remember(changed);
    return { changed, ...store.review.undoState(reviewer) };
  };

  return {
    path: store.path,
    recordSlide: (info: SlideInfo) =>
      String(
        store.slides.add({
          path: info.path,
          quickHash: info.quickHash,
          vendor: info.vendor,
          width: info.width,
          height: info.height,
          calibration: info.calibration,
          objectivePower: info.objectivePower,
        }).id,
      ),
    listSlides: () =>
      store.slides
        .list()
        .reverse()
        .map((s) => ({
          storedSlideId: String(s.id),
          name: basename(s.path),
          path: s.path,
          vendor: s.vendor,
          width: s.width,
          height: s.height,
          mpp: mppOf(s.calibration),
          runs: store.runs
            .listForSlide(s.id)
            .sort((a, b) => b.id - a.id)
            .map((r): RunSummary => runSummary(r.id)),
        })),
    getRun: (runId) => runSummary(storeId(runId, 'analysis run')),
    listCells: (q: CellQuery) => {
      const runId = storeId(q.runId, 'analysis run');
      store.runs.get(runId); // NOT_FOUND for an unknown run
      let cells: CellRow[];
      if (q.bounds) {
        const hit = store.cells.inViewport(runId, q.bounds, { limit: 20_000 });
        cells = hit.cells.map(toView).filter((c) => inside(c, q.bounds!));
      } else {
        cells = allCells(runId);
      }
      const f = q.filters;
      const min = f.uncertainty?.min ?? 0;
      const max = f.uncertainty?.max ?? 1;
      const unfiltered = cells.filter(
        (c) => (f.reviewed === 'reviewed' ? c.reviewed : f.reviewed === 'unreviewed' ? !c.reviewed : true) && c.uncertainty >= min && c.uncertainty <= max,
      );
      const countsByCode: Record<string, number> = {};
      for (const c of unfiltered) countsByCode[c.currentCode] = (countsByCode[c.currentCode] ?? 0) + 1;
      const codes = f.codes?.length ? new Set<string>(f.codes) : null;
      const matching = codes ? unfiltered.filter((c) => codes.has(c.currentCode)) : [...unfiltered];
      // byUncertainty already orders most uncertain first (entropy desc, then id).
      if (q.order === 'position') matching.sort((a, b) => a.y - b.y || a.x - b.x);
      else if (q.bounds) matching.sort((a, b) => b.uncertainty - a.uncertainty || Number(a.cellId) - Number(b.cellId));
      return { total: matching.length, offset: q.offset, cells: matching.slice(q.offset, q.offset + q.limit), countsByCode };
    },
    getCell: (cellId) => {
      const c = store.cells.get(storeId(cellId, 'cell'));
      const codes = store.runs.get(c.runId).classCodes;
      const probabilities = codes.map((code, i) => ({ code, probability: c.probabilities[i] ?? 0 })).sort((a, b) => b.probability - a.probability);
      return {
        ...toView(c),
        probability: c.probabilities[codes.indexOf(c.predictedCode)] ?? 0,
        probabilities,
        entropy: c.entropy ?? 0,
        mutualInformation: c.mutualInformation ?? 0,
        agreement: c.agreement ?? 0,
        margin: c.margin ?? 0,
        outline: c.outline ?? [],
        history: store.review.history(c.id).map((d) => ({ action: d.action, code: d.labelCode, reviewer: d.reviewer, at: d.decidedAt })),
      };
    },
    getCrop: (cellId) => store.cells.crop(storeId(cellId, 'cell')),
    recordDecisions: (runId, cellIds, action, code, reviewer) => {
      const run = storeId(runId, 'analysis run');
      const ids = cellIds.map((id) => storeId(id, 'cell'));
      for (const id of ids) {
        if (store.cells.get(id).runId !== run) throw new AppError('NOT_FOUND', `Cell ${id} is not part of analysis run ${run}`);
      }
      const batch = store.review.decide({
        cellIds: ids,
        action,
        ...(action === 'reclassify' ? { labelCode: code ?? '' } : {}),
        reviewer,
      });
      return result(batch, reviewer);
    },
    undo: (_runId, reviewer) => result(store.review.undo(reviewer), reviewer),
    redo: (_runId, reviewer) => result(store.review.redo(reviewer), reviewer),
    // Counted from the run's rows in memory, which every write here replaces with what the store
    // holds after it (0.1 ms for 5,000 cells; the SQL count, store.cells.currentLabelCounts, took
    // 2.5 ms of each keystroke). A test checks both agree through random decisions, undo and redo.
    labelCounts: (runId, reviewer) => {
      const id = storeId(runId, 'analysis run');
      store.runs.get(id);
      const cells = allCells(id);
      const counts = new Map<string, number>();
      let reviewedCount = 0;
      for (const c of cells) {
        counts.set(c.currentCode, (counts.get(c.currentCode) ?? 0) + 1);
        if (c.reviewed) reviewedCount++;
      }
      return { counts, cellsTotal: cells.length, reviewedCount, ...store.review.undoState(reviewer) };
    },
  };
}

function lastActionOf(c: StoredCell): ReviewAction {
  if (c.labelCode === 'DEFER') return 'defer';
  return c.labelCode === c.predictedCode ? 'confirm' : 'reclassify';
}

function inside(c: CellRow, b: { x: number; y: number; width: number; height: number }): boolean {
  return c.x >= b.x && c.y >= b.y && c.x < b.x + b.width && c.y < b.y + b.height;
}


/** Codes stored by older builds may be unknown to this one: they read as ANALYSIS_FAILED. */
function asErrorCode(code: string): ErrorCode {
  return isErrorCode(code) ? code : 'ANALYSIS_FAILED';
}
