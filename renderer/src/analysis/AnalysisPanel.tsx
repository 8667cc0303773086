import type { RegionInput } from '../../../electron/shared/api/index.js';
import { NOTICES } from '../errors/messages';
import { ProgressBar } from '../components/ProgressBar';
import { useAppStore } from '../state/useAppStore';
import { useAnalysisStore } from '../state/useAnalysisStore';
import { useReviewStore } from '../state/useReviewStore';
import { describeError } from '../errors/messages';

/** Start an analysis on the chosen regions, follow its progress (with ETA), cancel it, go to review. */
export function AnalysisPanel({ slideId, regions, calibrated }: { slideId: string; regions: readonly RegionInput[]; calibrated: boolean }) {
  const { status, starting, start, cancel, runId } = useAnalysisStore();
  const info = useAppStore((s) => s.info);
  const setScreen = useAppStore((s) => s.setScreen);
  const running = status?.state === 'running';
  const available = info?.analysisAvailable ?? false;

  const review = async () => {
    if (!runId) return;
    await useReviewStore.getState().load(runId);
    setScreen('review');
  };

  return (
    <section className="panel" aria-labelledby="analysis-title">
      <h2 id="analysis-title">Analysis</h2>
      {!available && <p className="banner-info">{NOTICES.analysisUnavailable}</p>}
      <div className="button-row">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!available || !calibrated || running || starting || regions.length === 0}
          onClick={() => void start(slideId, regions)}
          data-testid="start-analysis"
        >
          {starting ? 'Starting…' : `Analyse ${regions.length} region${regions.length === 1 ? '' : 's'}`}
        </button>
        {running && (
          <button type="button" className="btn btn-danger" onClick={() => void cancel()}>
            Cancel
          </button>
        )}
      </div>
      {regions.length === 0 && <p className="muted small">Draw a region (R) or tick proposed regions first.</p>}
      {status && (
        <div className="run-status" data-testid="run-status" data-state={status.state}>
          <ProgressBar
            value={status.progress.regionsDone}
            max={status.progress.regionsTotal}
            label={`Regions ${status.progress.regionsDone} of ${status.progress.regionsTotal}`}
            eta={running ? status.progress.etaSeconds : null}
          />
          <p className="small">
            <span className={`status status-${status.state}`}>{status.state}</span> · {status.progress.cellsFound.toLocaleString()} cells found ·{' '}
            {status.progress.cellsClassified.toLocaleString()} classified
          </p>
          {status.error && (
            <p className="inline-error" role="alert">
              {describeError(status.error).title}: {status.error.message}
            </p>
          )}
          {status.progress.cellsClassified > 0 && (
            <button type="button" className="btn" onClick={() => void review()} data-testid="go-review">
              Review cells
            </button>
          )}
        </div>
      )}
    </section>
  );
}
