import { AppError } from '../../../electron/shared/errors/AppError.js';
import type { CaseStorePort, CellQuery, RunRecord, StoreReviewResult } from '../../../electron/core/api/ports.js';
import type { SlideInfo } from '../../../electron/shared/domain/Slide.js';
import type { ReviewAction } from '../../../electron/shared/api/views.js';

/** A cell of the fake store. */
export interface FakeCell {
  readonly cellId: string;
  readonly runId: string;
  readonly x: number;
  readonly y: number;
  readonly predictedCode: string;
  readonly uncertainty: number;
}

interface Decision {
  readonly step: number;
  readonly cellId: string;
  readonly action: ReviewAction;
  readonly code: string;
  undone: boolean;
}

/**
 * An in-memory CaseStorePort for unit tests of the handler logic only (the real store is tested on
 * SQLite files in test/integration/store). Decisions are append-only with undo steps, as the port asks.
 */
export class FakeCaseStore implements CaseStorePort {
  readonly path = ':fake:';
  readonly cells = new Map<string, FakeCell>();
  readonly decisions: Decision[] = [];
  readonly reviewers: string[] = [];
  readonly slides: SlideInfo[] = [];
  #step = 0;
  #redo: number[] = [];

  constructor(cells: readonly FakeCell[]) {
    for (const c of cells) this.cells.set(c.cellId, c);
  }

  recordSlide(info: SlideInfo): string {
    const i = this.slides.findIndex((s) => s.quickHash === info.quickHash);
    if (i >= 0) return String(i + 1);
    this.slides.push(info);
    return String(this.slides.length);
  }
  listSlides() {
    return this.slides.map((s, i) => ({ storedSlideId: String(i + 1), name: 'slide', path: s.path, vendor: s.vendor, width: s.width, height: s.height, mpp: null, runs: [] }));
  }
  getRun(runId: string): RunRecord {
    if (runId !== 'r1') throw new AppError('NOT_FOUND', `No analysis run ${runId}`);
    return { runId, storedSlideId: '1', state: 'completed', startedAt: 't0', finishedAt: 't1', cellCount: this.cells.size, reviewedCount: 0, error: null };
  }
  current(cellId: string): { code: string; action: ReviewAction | null } {
    const d = [...this.decisions].reverse().find((x) => x.cellId === cellId && !x.undone);
    return d ? { code: d.code, action: d.action } : { code: this.cells.get(cellId)!.predictedCode, action: null };
  }
  summary(cellId: string) {
    const c = this.cells.get(cellId)!;
    const cur = this.current(cellId);
    return {
      cellId,
      runId: c.runId,
      x: c.x,
      y: c.y,
      bounds: { x: c.x - 5, y: c.y - 5, width: 10, height: 10 },
      predictedCode: c.predictedCode,
      currentCode: cur.code,
      uncertainty: c.uncertainty,
      reviewed: cur.action !== null,
      lastAction: cur.action,
    };
  }
  listCells(q: CellQuery) {
    let list = [...this.cells.values()].filter((c) => c.runId === q.runId).map((c) => this.summary(c.cellId));
    if (q.bounds) {
      const b = q.bounds;
      list = list.filter((c) => c.x >= b.x && c.y >= b.y && c.x < b.x + b.width && c.y < b.y + b.height);
    }
    const countsByCode: Record<string, number> = {};
    for (const c of list) countsByCode[c.currentCode] = (countsByCode[c.currentCode] ?? 0) + 1;
    if (q.filters.codes) list = list.filter((c) => (q.filters.codes as readonly string[]).includes(c.currentCode));
    list.sort(q.order === 'uncertain-first' ? (a, b) => b.uncertainty - a.uncertainty : (a, b) => a.y - b.y || a.x - b.x);
    return { total: list.length, offset: q.offset, cells: list.slice(q.offset, q.offset + q.limit), countsByCode };
  }
  getCell(cellId: string) {
    if (!this.cells.has(cellId)) throw new AppError('NOT_FOUND', `No cell ${cellId}`);
    return { ...this.summary(cellId), probability: 1 - this.cells.get(cellId)!.uncertainty, probabilities: [], entropy: 0, mutualInformation: 0, agreement: 1, margin: 1, outline: [], history: [] };
  }
  getCrop(cellId: string): Uint8Array | null {
    if (!this.cells.has(cellId)) throw new AppError('NOT_FOUND', `No cell ${cellId}`);
    return new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
  }
  recordDecisions(runId: string, cellIds: readonly string[], action: ReviewAction, code: string | null, reviewer: string): StoreReviewResult {
    for (const id of cellIds) if (this.cells.get(id)?.runId !== runId) throw new AppError('NOT_FOUND', `No cell ${id} in run ${runId}`);
    const step = ++this.#step;
    this.#redo = [];
    this.reviewers.push(reviewer);
    for (const id of cellIds) this.decisions.push({ step, cellId: id, action, code: code ?? this.current(id).code, undone: false });
    return this.#result(cellIds);
  }
  undo(_runId: string, reviewer: string): StoreReviewResult {
    const last = [...this.decisions].reverse().find((d) => !d.undone);
    if (!last) throw new AppError('NOT_FOUND', 'Nothing to undo');
    const batch = this.decisions.filter((d) => d.step === last.step);
    for (const d of batch) d.undone = true;
    this.#redo.push(last.step);
    this.reviewers.push(reviewer);
    return this.#result(batch.map((d) => d.cellId));
  }
  redo(_runId: string, reviewer: string): StoreReviewResult {
    const step = this.#redo.pop();
    if (step === undefined) throw new AppError('NOT_FOUND', 'Nothing to redo');
    const batch = this.decisions.filter((d) => d.step === step);
    for (const d of batch) d.undone = false;
    this.reviewers.push(reviewer);
    return this.#result(batch.map((d) => d.cellId));
  }
  labelCounts(runId: string, _reviewer: string) {
    const counts = new Map<string, number>();
    let reviewedCount = 0;
    for (const c of this.cells.values()) {
      if (c.runId !== runId) continue;
      const cur = this.current(c.cellId);
      counts.set(cur.code, (counts.get(cur.code) ?? 0) + 1);
      if (cur.action) reviewedCount++;
    }
    return { counts, cellsTotal: this.cells.size, reviewedCount, canUndo: this.decisions.some((d) => !d.undone), canRedo: this.#redo.length > 0 };
  }
  #result(cellIds: readonly string[]): StoreReviewResult {
    return { changed: cellIds.map((id) => this.summary(id)), canUndo: this.decisions.some((d) => !d.undone), canRedo: this.#redo.length > 0 };
  }
}
