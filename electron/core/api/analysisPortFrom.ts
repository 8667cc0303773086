import type { AnalysisChannelFactory } from '../analysis/AnalysisChannel.js';
import { runAnalysis } from '../analysis/runAnalysis.js';
import { planManualRegions } from '../analysis/planRegions.js';
import { rectPolygon } from '../analysis/rectPolygon.js';
import type { Roi } from '../../shared/domain/Roi.js';
import type { AnalysisStatus } from '../../shared/api/views.js';
import type { RegionInput } from '../../shared/api/requests.js';
import { polygonsArea, polygonsBounds } from '../../shared/domain/geometry.js';
import { AppError, toErrorInfo } from '../../shared/errors/AppError.js';
import { isErrorCode } from '../../shared/errors/ErrorCode.js';
import type { CaseStore, NewRegion } from '../store/index.js';
import type { ApiEvents } from './ApiEvents.js';
import type { AnalysisPort, AnalysisStart } from './ports.js';

/** What the analysis port needs. */
export interface AnalysisPortOptions {
  readonly store: CaseStore;
  readonly events: ApiEvents;
  readonly manifestPath: string;
  /** Stop a run once this many cells are stored (DeepHeme: 3,000 per slide); null = no cap. */
  readonly maxCells?: number | null;
  /** What runs the analysis worker (default: a child process; the desktop app: a utilityProcess). */
  readonly channel?: AnalysisChannelFactory;
}

interface Live {
  status: AnalysisStatus;
  readonly controller: AbortController;
}

/**
 * The AnalysisPort over the pipeline (core/analysis/runAnalysis): one run at a time per slide, in
 * the host process (a worker process does the heavy work and is restarted if it crashes; the host
 * stays the single writer).
 * startAnalysis answers as soon as the run exists in the case file; progress and the end arrive
 * as analysisProgress / analysisFinished events.
 */
export function analysisPortFrom(options: AnalysisPortOptions): AnalysisPort {
  const live = new Map<string, Live>();
  const stored = (runId: string): AnalysisStatus => {
    const r = options.store.runs.get(Number(runId));
    const p = options.store.regions.progress(r.id);
    return {
      runId,
      state: r.status,
      progress: { regionsDone: p.done, regionsTotal: p.regions, cellsFound: p.cells, cellsClassified: p.cells, etaSeconds: null },
      error: r.error ? { code: isErrorCode(r.error.code) ? r.error.code : 'ANALYSIS_FAILED', message: r.error.message } : null,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    };
  };

  return {
    start: (request: AnalysisStart) =>
      new Promise<AnalysisStatus>((resolve, reject) => {
        const controller = new AbortController();
        let runId: string | null = null;
        const regions = planRegions(request.regions);
        const run = runAnalysis(
          options.store,
          {
            slide: request.slide,
            manifestPath: options.manifestPath,
            regions,
            maxCells: options.maxCells ?? null,
            parameters: { roi: { kind: 'workstation', regions: request.regions.map((r) => ({ source: r.source, rect: r.rect, score: r.score ?? null })) }, regionSize: 512 },
          },
          {
            signal: controller.signal,
            ...(options.channel ? { channel: options.channel } : {}),
            onProgress: (p) => {
              const id = String(p.runId);
              const progress = { regionsDone: p.regionsDone, regionsTotal: p.regionsTotal, cellsFound: p.cellsFound, cellsClassified: p.cellsClassified, etaSeconds: p.etaSeconds };
              if (runId === null) {
                runId = id;
                live.set(id, { status: { ...stored(id), progress }, controller });
                resolve(live.get(id)!.status);
              } else {
                const l = live.get(id);
                if (l) l.status = { ...l.status, progress };
              }
              options.events.emit('analysisProgress', { runId: id, ...progress });
            },
          },
        );
        run.then(
          (outcome) => {
            const id = String(outcome.runId);
            if (runId === null) {
              runId = id; // an identical run had already completed: nothing was redone
              resolve(stored(id));
            }
            live.delete(id);
            options.events.emit('analysisFinished', { runId: id, state: outcome.status, error: null });
          },
          (err: unknown) => {
            const error = toErrorInfo(err);
            if (runId === null) return reject(err); // failed before the run existed (bad model, no regions, ...)
            live.delete(runId);
            options.events.emit('analysisFinished', { runId, state: 'failed', error });
          },
        );
      }),
    cancel: async (runId) => {
      const l = live.get(runId);
      if (!l) throw new AppError('NOT_FOUND', `Analysis run ${runId} is not running in this session`);
      l.controller.abort();
      return { ...l.status, state: 'cancelled' };
    },
    status: (runId) => {
      const l = live.get(runId);
      if (l) return l.status;
      return stored(runId);
    },
  };
}

/** Manual rectangles/polygons are tiled into 512-px analysis regions; proposals are analysed as they are. */
function planRegions(inputs: readonly RegionInput[]): NewRegion[] {
  const manual: Roi[] = inputs
    .filter((r) => r.source === 'manual')
    .map((r, i) => {
      const ring = r.polygon ?? [
        { x: r.rect.x, y: r.rect.y },
        { x: r.rect.x + r.rect.width, y: r.rect.y },
        { x: r.rect.x + r.rect.width, y: r.rect.y + r.rect.height },
        { x: r.rect.x, y: r.rect.y + r.rect.height },
      ];
      const polygons = [{ exterior: ring, holes: [] }];
      return {
        id: `roi-${i + 1}`,
        name: null,
        classification: null,
        source: 'manual' as const,
        shape: r.polygon ? ('polygon' as const) : ('rectangle' as const),
        polygons,
        bounds: polygonsBounds(polygons),
        areaPx: polygonsArea(polygons),
        clipped: false,
      };
    });
  // Proposals are analysed as proposed (one region each), keeping the score they were chosen by.
  const proposed: NewRegion[] = inputs
    .filter((r) => r.source === 'proposed')
    .map((r, i) => ({
      orderIndex: i,
      geometry: rectPolygon(r.rect.x, r.rect.y, r.rect.width, r.rect.height),
      source: 'automatic',
      quality: { proposalId: r.proposalId ?? null, score: r.score ?? null },
    }));
  const planned = [...planManualRegions(manual), ...proposed];
  return planned.map((r, i) => ({ ...r, orderIndex: i }));
}
