import { useCallback, useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { codeForHotkey } from '../../../electron/shared/api/hotkeys.js';
import { useAppStore } from '../state/useAppStore';
import { useReviewStore } from '../state/useReviewStore';
import { useAnalysisStore } from '../state/useAnalysisStore';
import { DifferentialPanel } from '../differential/DifferentialPanel';
import { CellInspector } from './CellInspector';
import { ClassList } from './ClassList';
import { Gallery } from './Gallery';
import { nextAfter, type GalleryModel } from './galleryModel';
import { ProgressBar } from '../components/ProgressBar';
import { useSignoffStore } from '../state/useSignoffStore';

/**
 * Review: class list (filters, drop targets), the galleries, the cell in context, and the live
 * differential. Keyboard-first: one key per class reclassifies the selection (or the focused
 * cell), C confirms, Ctrl+Z / Ctrl+Shift+Z undo and redo.
 */
export function ReviewScreen() {
  const { runId, filters, setFilters, mode, setMode, canUndo, canRedo, undo, redo, confirm, defer, reclassify, selection, total, loading, pending, reload } = useReviewStore(
    useShallow((s) => ({
      runId: s.runId,
      filters: s.filters,
      setFilters: s.setFilters,
      mode: s.mode,
      setMode: s.setMode,
      canUndo: s.canUndo,
      canRedo: s.canRedo,
      undo: s.undo,
      redo: s.redo,
      confirm: s.confirm,
      defer: s.defer,
      reclassify: s.reclassify,
      selection: s.selection,
      total: s.total,
      loading: s.loading,
      pending: s.pending,
      reload: s.reload,
    })),
  );
  const status = useAnalysisStore((s) => s.status);
  const taxonomy = useAppStore((s) => s.taxonomy);
  const signoff = useSignoffStore((s) => (s.runId === runId ? s.status : null));
  const setScreen = useAppStore((s) => s.setScreen);
  const modelRef = useRef<GalleryModel | null>(null);
  useEffect(() => {
    void useSignoffStore.getState().loadStatus(runId);
  }, [runId]);
  const onModel = useCallback((m: GalleryModel) => {
    modelRef.current = m;
  }, []);

  // While the analysis runs, refill the galleries as batches land (at most every 2 s).
  const progressCells = status?.progress.cellsClassified ?? 0;
  const lastReload = useRef(0);
  useEffect(() => {
    if (!runId || status?.state !== 'running') return;
    const now = Date.now();
    if (now - lastReload.current < 2000) return;
    lastReload.current = now;
    void reload();
  }, [progressCells, runId, status?.state, reload]);
  useEffect(() => {
    if (status && status.state !== 'running' && runId) void reload();
  }, [status?.state]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select, [role="dialog"]')) return;
      const ctrl = e.ctrlKey || e.metaKey;
      const targets = useReviewStore.getState().targets();
      const next = () => (modelRef.current ? nextAfter(modelRef.current, targets) : null);
      if (ctrl && (e.key === 'z' || e.key === 'Z')) {
        e.preventDefault();
        void (e.shiftKey ? redo() : undo());
        return;
      }
      if (ctrl && e.key === 'y') {
        e.preventDefault();
        void redo();
        return;
      }
      if (ctrl || e.altKey) return;
      if (e.key === 'c' || e.key === 'Enter') {
        if (t.closest('button')) return;
        e.preventDefault();
        void confirm(undefined, next());
        return;
      }
      const code = codeForHotkey(e.key);
      if (code) {
        e.preventDefault();
        void (code === 'DEFER' ? defer(undefined, next()) : reclassify(code, undefined, next()));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo, confirm, defer, reclassify]);

  if (!runId) return <p className="empty-screen">Choose an analysis run to review from the worklist, or run an analysis in the viewer.</p>;

  return (
    <div className="review-screen">
      <ClassList />
      <section className="review-center" aria-label="Cells">
        <div className="review-toolbar" role="toolbar" aria-label="Review tools">
          <div className="segmented" role="group" aria-label="Order">
            <button type="button" aria-pressed={mode === 'by-class'} onClick={() => setMode('by-class')}>
              By class
            </button>
            <button type="button" aria-pressed={mode === 'uncertain-first'} onClick={() => setMode('uncertain-first')} data-testid="mode-uncertain">
              Uncertain first
            </button>
          </div>
          <label className="select-label">
            Show
            <select value={filters.reviewed} onChange={(e) => setFilters({ reviewed: e.target.value as typeof filters.reviewed })}>
              <option value="any">all cells</option>
              <option value="unreviewed">not reviewed</option>
              <option value="reviewed">reviewed</option>
            </select>
          </label>
          <fieldset className="range">
            <legend>Uncertainty</legend>
            <label>
              <span className="sr-only">Minimum uncertainty</span>
              <input type="number" min={0} max={100} step={5} value={Math.round(filters.uncertaintyMin * 100)} onChange={(e) => setFilters({ uncertaintyMin: clamp01(Number(e.target.value) / 100) })} />
            </label>
            –
            <label>
              <span className="sr-only">Maximum uncertainty</span>
              <input type="number" min={0} max={100} step={5} value={Math.round(filters.uncertaintyMax * 100)} onChange={(e) => setFilters({ uncertaintyMax: clamp01(Number(e.target.value) / 100) })} />
            </label>
            %
          </fieldset>
          {filters.codes.length > 0 && (
            <button type="button" className="btn btn-small" onClick={() => setFilters({ codes: [] })}>
              Clear class filter ({filters.codes.join(', ')})
            </button>
          )}
          <span className="spacer" />
          <span className="muted small" aria-live="polite" data-testid="review-counts">
            {loading ? 'Loading…' : `${total.toLocaleString()} cells`}
            {selection.size > 0 && ` · ${selection.size} selected`}
            {pending > 0 && ' · saving…'}
          </span>
          <button type="button" className="btn" onClick={() => void confirm(undefined, modelRef.current ? nextAfter(modelRef.current, useReviewStore.getState().targets()) : null)}>
            Confirm <kbd>C</kbd>
          </button>
          <button type="button" className="btn" onClick={() => void undo()} disabled={!canUndo} data-testid="undo">
            Undo <kbd>Ctrl+Z</kbd>
          </button>
          <button type="button" className="btn" onClick={() => void redo()} disabled={!canRedo}>
            Redo <kbd>Ctrl+Shift+Z</kbd>
          </button>
        </div>
        {signoff?.locked && (
          <p className="banner-info review-locked" role="status" data-testid="review-locked">
            Version {signoff.latestVersion} is signed: the labels of this run are locked.{' '}
            <button type="button" className="btn btn-small" onClick={() => setScreen('signoff')}>
              Open an amendment on the Sign-off screen
            </button>
          </p>
        )}
        {status?.state === 'running' && (
          <div className="review-progress">
            <ProgressBar value={status.progress.regionsDone} max={status.progress.regionsTotal} label={`Analysis running: ${status.progress.cellsClassified.toLocaleString()} cells so far`} eta={status.progress.etaSeconds} />
          </div>
        )}
        <Gallery onModel={onModel} />
        <p className="hotkey-help small muted">
          Keys: arrows move · Shift+arrows extend · Space selects · Ctrl+A selects the class · class keys reclassify ({taxonomy.slice(0, 6).map((t) => `${t.hotkey?.toUpperCase()} ${t.code}`).join(', ')}, …) · D defer · drag crops onto a class
        </p>
      </section>
      <div className="review-right">
        <CellInspector />
      </div>
      <div className="review-diff">
        <DifferentialPanel />
      </div>
    </div>
  );
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
