import { useCallback, useEffect, useState } from 'react';
import type { CaseSummary, RunSummary, SlideSummary } from '../../../electron/shared/api/views.js';
import { api, pathForDroppedFile } from '../api';
import { NOTICES } from '../errors/messages';
import { useAppStore } from '../state/useAppStore';
import { useSlideStore } from '../state/useSlideStore';
import { useAnalysisStore } from '../state/useAnalysisStore';
import { useReviewStore } from '../state/useReviewStore';
import { OpenSlideDialog } from './OpenSlideDialog';

const STATE_LABEL: Readonly<Record<RunSummary['state'], string>> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The worklist: cases and their slides with the status of each analysis; open by dialog or drop. */
export function Worklist() {
  const [cases, setCases] = useState<readonly CaseSummary[] | null>(null);
  const [dialog, setDialog] = useState(false);
  const [dragOver, setDragOver] = useState(false);
  const { info, setScreen, showError, showInfo } = useAppStore();
  const open = useSlideStore((s) => s.open);
  const opening = useSlideStore((s) => s.opening);

  const refresh = useCallback(async () => {
    const r = await api.listCases({});
    if (!r.ok) return showError(r.error);
    setCases(r.value);
  }, [showError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const openPath = async (path: string) => {
    setDialog(false);
    if (await open(path)) {
      setScreen('viewer');
      void refresh();
    }
  };

  const review = async (slide: SlideSummary, run: RunSummary) => {
    // The cells, crops and decisions live in the case file: review works even when the slide file
    // is unavailable (moved, share offline); the notice says so and the context view stays empty.
    await open(slide.path);
    await useAnalysisStore.getState().useRun(run.runId);
    await useReviewStore.getState().load(run.runId);
    setScreen('review');
  };

  return (
    <section className="worklist" aria-labelledby="worklist-title">
      <div className="section-header">
        <h1 id="worklist-title">Worklist</h1>
        <div className="actions">
          <button type="button" className="btn" onClick={() => void refresh()}>
            Refresh
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setDialog(true)} disabled={opening} data-testid="open-slide">
            {opening ? 'Opening…' : 'Open slide…'}
          </button>
        </div>
      </div>
      {info && !info.storePath && <p className="banner-info">{NOTICES.noStore}</p>}
      <div
        className={`dropzone${dragOver ? ' dropzone-active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragOver(true);
        }}
        onDragLeave={() => setDragOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragOver(false);
          const file = e.dataTransfer.files[0];
          if (!file) return;
          const path = pathForDroppedFile(file);
          if (path) void openPath(path);
          else showInfo('Cannot open a dropped file here', NOTICES.dropNeedsDesktop);
        }}
        aria-label="Drop a slide file here to open it"
      >
        Drop a slide file here, or use <strong>Open slide…</strong>
      </div>
      <table className="table worklist-table" aria-label="Cases and slides">
        <thead>
          <tr>
            <th scope="col">Case / slide</th>
            <th scope="col">Scanner</th>
            <th scope="col">Size (px)</th>
            <th scope="col">Pixel size</th>
            <th scope="col">Latest analysis</th>
            <th scope="col">Cells</th>
            <th scope="col">Reviewed</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {cases === null && (
            <tr>
              <td colSpan={8} className="muted">
                Loading…
              </td>
            </tr>
          )}
          {cases?.length === 0 && (
            <tr>
              <td colSpan={8} className="muted empty">
                No slides yet. Open a slide to start.
              </td>
            </tr>
          )}
          {cases?.flatMap((c) =>
            c.slides.map((s) => {
              const run = s.runs[0];
              return (
                <tr key={`${c.caseId}/${s.storedSlideId}`}>
                  <th scope="row" title={s.path}>
                    {s.name}
                  </th>
                  <td>{s.vendor}</td>
                  <td className="num">
                    {s.width.toLocaleString()} × {s.height.toLocaleString()}
                  </td>
                  <td className="num">{s.mpp ? `${s.mpp.x.toFixed(3)} µm` : <span className="warn-text">none</span>}</td>
                  <td>
                    {run ? (
                      <span className={`status status-${run.state}`}>
                        {STATE_LABEL[run.state]} <span className="muted">{new Date(run.startedAt).toLocaleString()}</span>
                      </span>
                    ) : (
                      <span className="muted">Not analysed</span>
                    )}
                  </td>
                  <td className="num">{run ? run.cellCount.toLocaleString() : '–'}</td>
                  <td className="num">{run ? `${run.reviewedCount.toLocaleString()}` : '–'}</td>
                  <td className="row-actions">
                    <button type="button" className="btn btn-small" onClick={() => void openPath(s.path)}>
                      View
                    </button>
                    {run && (
                      <button type="button" className="btn btn-small btn-primary" onClick={() => void review(s, run)}>
                        Review
                      </button>
                    )}
                  </td>
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
      {dialog && <OpenSlideDialog onOpen={(p) => void openPath(p)} onClose={() => setDialog(false)} />}
    </section>
  );
}
