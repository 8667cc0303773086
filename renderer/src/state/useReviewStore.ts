import { create } from 'zustand';
import type { CellDetail, CellSummary, ReviewResult } from '../../../electron/shared/api/views.js';
import type { Result } from '../../../electron/shared/errors/Result.js';
import { api } from '../api';
import { NOTICES } from '../errors/messages';
import { useAppStore } from './useAppStore';
import { useDifferentialStore } from './useDifferentialStore';

/** Which cells the galleries show. */
export interface ReviewFilters {
  /** Current-label codes to show; empty = every class. */
  readonly codes: readonly string[];
  readonly reviewed: 'any' | 'reviewed' | 'unreviewed';
  /** Normalised-entropy range, 0..1. */
  readonly uncertaintyMin: number;
  readonly uncertaintyMax: number;
}

/** Galleries per class, or one queue with the most uncertain cells first. */
export type ReviewMode = 'by-class' | 'uncertain-first';

interface ReviewState {
  runId: string | null;
  cells: readonly CellSummary[];
  countsByCode: Readonly<Record<string, number>>;
  total: number;
  loading: boolean;
  filters: ReviewFilters;
  mode: ReviewMode;
  selection: ReadonlySet<string>;
  focusId: string | null;
  detail: CellDetail | null;
  canUndo: boolean;
  canRedo: boolean;
  /** Review writes in flight (they run one after another, in keystroke order). */
  pending: number;
  /** Bumped after every applied write (a render signal for tests). */
  revision: number;
  load(runId: string): Promise<void>;
  reload(): Promise<void>;
  setFilters(patch: Partial<ReviewFilters>): void;
  setMode(mode: ReviewMode): void;
  focus(cellId: string | null, how?: { toggle?: boolean; range?: readonly string[] }): void;
  selectOnly(cellIds: readonly string[]): void;
  /** Targets of an action: the selection, else the focused cell. */
  targets(): string[];
  reclassify(code: string, cellIds?: readonly string[], nextFocus?: string | null): Promise<void>;
  confirm(cellIds?: readonly string[], nextFocus?: string | null): Promise<void>;
  defer(cellIds?: readonly string[], nextFocus?: string | null): Promise<void>;
  undo(): Promise<void>;
  redo(): Promise<void>;
}

export const DEFAULT_FILTERS: ReviewFilters = { codes: [], reviewed: 'any', uncertaintyMin: 0, uncertaintyMax: 1 };

const PAGE = 5000;

/** The counting conventions the differential panel shows, sent with each write. */
function conventions() {
  const { blastDefinition, meConvention } = useDifferentialStore.getState();
  return { blastDefinition, meConvention };
}
let writes: Promise<void> = Promise.resolve();
/** Writes sent or waiting; shown as `pending` once one has waited PENDING_SHOWN_AFTER_MS. */
let queued = 0;
let pendingTimer: ReturnType<typeof setTimeout> | undefined;
const PENDING_SHOWN_AFTER_MS = 150;
let detailSeq = 0;

/** The cells under review, the selection, and every review action (stored first, then shown). */
export const useReviewStore = create<ReviewState>((set, get) => {
  const matches = (c: CellSummary): boolean => {
    const f = get().filters;
    if (f.codes.length && !f.codes.includes(c.currentCode)) return false;
    if (f.reviewed === 'reviewed' && !c.reviewed) return false;
    if (f.reviewed === 'unreviewed' && c.reviewed) return false;
    return c.uncertainty >= f.uncertaintyMin && c.uncertainty <= f.uncertaintyMax;
  };

  /** Applies what the database now holds for the changed cells; never a guess. */
  const apply = (result: ReviewResult, nextFocus: string | null | undefined): void => {
    const byId = new Map(result.changed.map((c) => [c.cellId, c]));
    const counts: Record<string, number> = { ...get().countsByCode };
    const cells: CellSummary[] = [];
    for (const c of get().cells) {
      const now = byId.get(c.cellId);
      if (!now) {
        cells.push(c);
        continue;
      }
      if (now.currentCode !== c.currentCode) {
        counts[c.currentCode] = Math.max(0, (counts[c.currentCode] ?? 0) - 1);
        counts[now.currentCode] = (counts[now.currentCode] ?? 0) + 1;
      }
      if (matches(now)) cells.push(now);
    }
    const wanted = nextFocus !== undefined ? nextFocus : get().focusId;
    const focusId = wanted && cells.some((c) => c.cellId === wanted) ? wanted : (cells[0]?.cellId ?? null);
    // The differential and the next cell's detail came back with the write (one round trip per keystroke).
    const detail = result.detail && result.detail.cellId === focusId ? result.detail : null;
    if (detail) detailSeq++; // an older getCell still in flight must not replace it
    set((s) => ({
      cells,
      countsByCode: counts,
      total: cells.length,
      canUndo: result.canUndo,
      canRedo: result.canRedo,
      selection: new Set(),
      focusId,
      ...(detail ? { detail } : {}),
      revision: s.revision + 1,
    }));
    if (result.differential) useDifferentialStore.getState().show(result.differential);
    else void useDifferentialStore.getState().refresh(get().runId);
    // Otherwise the detail is asked for after this write is rendered: a request costs the main thread ~2 ms.
    if (!detail) setTimeout(() => void loadDetail(get().focusId), 0);
  };

  const write = (call: () => Promise<Result<ReviewResult>>, nextFocus?: string | null): Promise<void> => {
    queued++;
    // "Saving…" only for a write that is still unanswered after a moment: setting it at once
    // re-rendered the screen before the request left, on every keystroke.
    if (!pendingTimer) pendingTimer = setTimeout(() => set({ pending: queued }), PENDING_SHOWN_AFTER_MS);
    writes = writes.then(async () => {
      const r = await call();
      if (--queued === 0) {
        clearTimeout(pendingTimer);
        pendingTimer = undefined;
        if (get().pending !== 0) set({ pending: 0 });
      }
      if (!r.ok) return useAppStore.getState().showError(r.error);
      apply(r.value, nextFocus);
    });
    return writes;
  };

  const loadDetail = async (cellId: string | null): Promise<void> => {
    const seq = ++detailSeq;
    if (!cellId) return set({ detail: null });
    const r = await api.getCell({ cellId });
    if (seq !== detailSeq) return;
    if (!r.ok) return useAppStore.getState().showError(r.error);
    set({ detail: r.value });
  };

  /** What a review write asks back with its result: the differential, and the detail of the cell focused next. */
  const after = (nextFocus: string | null | undefined) => {
    const focus = nextFocus !== undefined ? nextFocus : get().focusId;
    return { differential: conventions(), ...(focus ? { detailOf: focus } : {}) };
  };

  const withTargets = (ids: readonly string[] | undefined, fn: (ids: string[]) => Promise<void>): Promise<void> => {
    const list = ids ? [...ids] : get().targets();
    if (list.length === 0) {
      useAppStore.getState().showInfo(NOTICES.nothingSelected);
      return Promise.resolve();
    }
    return fn(list);
  };

  return {
    runId: null,
    cells: [],
    countsByCode: {},
    total: 0,
    loading: false,
    filters: DEFAULT_FILTERS,
    mode: 'by-class',
    selection: new Set(),
    focusId: null,
    detail: null,
    canUndo: false,
    canRedo: false,
    pending: 0,
    revision: 0,
    async load(runId) {
      if (get().runId !== runId) set({ runId, selection: new Set(), focusId: null, detail: null, cells: [] });
      await get().reload();
    },
    async reload() {
      const runId = get().runId;
      if (!runId) return;
      set({ loading: true });
      const f = get().filters;
      const cells: CellSummary[] = [];
      let counts: Record<string, number> = {};
      for (let offset = 0; ; offset += PAGE) {
        const r = await api.listCells({
          runId,
          filters: {
            ...(f.codes.length ? { codes: [...f.codes] } : {}),
            reviewed: f.reviewed,
            uncertainty: { min: f.uncertaintyMin, max: f.uncertaintyMax },
          },
          order: 'uncertain-first',
          limit: PAGE,
          offset,
        });
        if (!r.ok) {
          set({ loading: false });
          return useAppStore.getState().showError(r.error);
        }
        cells.push(...r.value.cells);
        counts = { ...r.value.countsByCode };
        if (cells.length >= r.value.total || r.value.cells.length === 0) break;
      }
      if (get().runId !== runId) return;
      const focusId = get().focusId && cells.some((c) => c.cellId === get().focusId) ? get().focusId : (cells[0]?.cellId ?? null);
      set((s) => ({ cells, countsByCode: counts, total: cells.length, loading: false, focusId, revision: s.revision + 1 }));
      void loadDetail(focusId);
      await useDifferentialStore.getState().refresh(runId);
      const d = useDifferentialStore.getState().view;
      if (d) set({ canUndo: d.canUndo, canRedo: d.canRedo });
    },
    setFilters(patch) {
      set((s) => ({ filters: { ...s.filters, ...patch } }));
      void get().reload();
    },
    setMode: (mode) => set({ mode }),
    focus(cellId, how = {}) {
      if (how.range) {
        set({ focusId: cellId, selection: new Set(how.range) });
      } else if (how.toggle && cellId) {
        const selection = new Set(get().selection);
        if (selection.has(cellId)) selection.delete(cellId);
        else selection.add(cellId);
        set({ focusId: cellId, selection });
      } else {
        set({ focusId: cellId, selection: new Set() });
      }
      void loadDetail(cellId);
    },
    selectOnly: (cellIds) => set({ selection: new Set(cellIds) }),
    targets() {
      const { selection, focusId } = get();
      if (selection.size) return [...selection];
      return focusId ? [focusId] : [];
    },
    reclassify: (code, ids, nextFocus) =>
      withTargets(ids, (cellIds) => write(() => api.reclassify({ runId: get().runId!, cellIds, code, ...after(nextFocus) }), nextFocus)),
    confirm: (ids, nextFocus) => withTargets(ids, (cellIds) => write(() => api.confirm({ runId: get().runId!, cellIds, ...after(nextFocus) }), nextFocus)),
    defer: (ids, nextFocus) => withTargets(ids, (cellIds) => write(() => api.defer({ runId: get().runId!, cellIds, ...after(nextFocus) }), nextFocus)),
    // Undo/redo may bring back cells the current filters had dropped: re-read the list after them.
    undo: () => (get().runId ? write(() => api.undo({ runId: get().runId!, differential: conventions() })).then(() => get().reload()) : Promise.resolve()),
    redo: () => (get().runId ? write(() => api.redo({ runId: get().runId!, differential: conventions() })).then(() => get().reload()) : Promise.resolve()),
  };
});
