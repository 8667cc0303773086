import { readFileSync } from 'node:fs';
import { packageVersion } from '../report/packageVersion.js';
import type { SlideInfo } from '../../shared/domain/Slide.js';
import { requireCalibration } from '../../shared/domain/PixelCalibration.js';
import { AppError } from '../../shared/errors/AppError.js';
import { loadManifest, sha256Hex } from '../infer/loadManifest.js';
import type { CaseStore, NewCell, NewRegion, RegionRecord } from '../store/index.js';
import { canonicalJson } from '../store/canonicalJson.js';
import type { AnalysisChannel, AnalysisChannelFactory } from './AnalysisChannel.js';
import type { AnalysisProgress } from './AnalysisProgress.js';
import { childProcessChannel } from './childProcessChannel.js';
import type { AnalysisWorkerEvent, AnalysisWorkerInit } from './analysisProtocol.js';
import type { AnalysisRegion, RegionTimings } from './analyzeRegion.js';
import type { AnalyzedCell } from './AnalyzedCell.js';

/** What to analyse and how. `parameters` are stored as the run's provenance and decide whether a rerun resumes. */
export interface AnalysisRequest {
  readonly slide: SlideInfo;
  readonly manifestPath: string;
  /** Regions in processing order (level-0 polygons). Used only when a new run starts. */
  readonly regions: readonly NewRegion[];
  /** Stop once this many cells are stored (DeepHeme counts at most 3,000 per slide); null = all. */
  readonly maxCells: number | null;
  /** Settings that change results (ROI source, region size, detector, ...). */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly providers?: readonly string[];
  readonly intraOpThreads?: number;
}

/** How a run ended. */
export interface AnalysisOutcome {
  readonly runId: number;
  readonly resumed: boolean;
  /** True when an identical completed run already existed and nothing was analysed again. */
  readonly alreadyComplete: boolean;
  readonly status: 'completed' | 'cancelled';
  readonly regions: number;
  readonly cells: number;
  readonly provider: string;
  /** Times the worker crashed and was started again on the regions left. */
  readonly restarts?: number;
  /** Milliseconds per step, summed over this session's regions: worker steps, the host's transactions, and wall time. */
  readonly timings: RegionTimings & { store: number; total: number };
}

/** Hooks of a run: progress events and cancellation. */
export interface AnalysisControl {
  readonly onProgress?: (progress: AnalysisProgress) => void;
  readonly signal?: AbortSignal;
  /** Called after each region's transaction commits (tests use it to kill the process mid-run). */
  readonly onRegionCommitted?: (region: RegionRecord, stored: number) => void;
  /** What runs the worker: a child process by default; the desktop app passes its utilityProcess channel. */
  readonly channel?: AnalysisChannelFactory;
  /** Called when a worker starts (again, after a crash: `restarts` counts them). */
  readonly onWorker?: (worker: { pid: number | null; restarts: number }) => void;
}

/**
 * Runs (or resumes) an analysis: plans its regions in the case file, streams each region through
 * the analysis worker and commits that region's cells in one transaction with the region's done
 * marker. A run left `running` by a crash with the same slide, model and parameters is resumed
 * from its first pending region, so no committed result is lost and no cell is stored twice.
 */
export async function runAnalysis(store: CaseStore, request: AnalysisRequest, control: AnalysisControl = {}): Promise<AnalysisOutcome> {
  const mpp = requireCalibration(request.slide.calibration, 'Cell analysis');
  const manifest = await loadManifest(request.manifestPath); // verifies member hashes before anything is written
  const m = manifest.manifest;
  const manifestHash = sha256Hex(readFileSync(manifest.path));
  const slideRecord = store.slides.add({
    path: request.slide.path,
    quickHash: request.slide.quickHash,
    vendor: request.slide.vendor,
    width: request.slide.width,
    height: request.slide.height,
    calibration: request.slide.calibration,
    objectivePower: request.slide.objectivePower,
  });
  const memberHashes = Object.fromEntries(m.members.map((mm) => [mm.file, mm.sha256]));
  // The model's name and version travel with the run: reports print them from here.
  const parameters = { ...request.parameters, maxCells: request.maxCells, model: { name: m.name, version: m.version } };
  const wanted = canonicalJson(parameters);
  const resumable = store.runs
    .unfinished()
    .find((r) => r.slideId === slideRecord.id && r.manifestHash === manifestHash && canonicalJson(r.parameters) === wanted);

  // The same analysis already finished: report it rather than storing every cell a second time.
  const finished = store.runs
    .listForSlide(slideRecord.id)
    .find((r) => r.status === 'completed' && r.manifestHash === manifestHash && canonicalJson(r.parameters) === wanted);
  if (!resumable && finished) {
    const cells = store.cells.countForRun(finished.id);
    return { runId: finished.id, resumed: false, alreadyComplete: true, status: 'completed', regions: store.regions.list(finished.id).length, cells, provider: finished.provider ?? 'unknown', timings: { read: 0, detect: 0, crop: 0, classify: 0, store: 0, total: 0 } };
  }

  let runId: number;
  if (resumable) {
    runId = resumable.id;
  } else {
    if (request.regions.length === 0) throw new AppError('VALIDATION_FAILED', 'No regions to analyse: draw a region of interest or ask for automatic proposals');
    runId = store.transaction(() => {
      const run = store.runs.start({
        slideId: slideRecord.id,
        manifestHash,
        memberHashes,
        classCodes: m.classes.map((c) => c.code),
        appVersion: packageVersion(),
        parameters,
      });
      store.regions.addMany(run.id, request.regions);
      return run.id;
    });
  }

  const all = store.regions.list(runId);
  const pending = store.regions.pending(runId);
  const already = store.cells.countForRun(runId);
  const budget = request.maxCells === null ? null : Math.max(0, request.maxCells - already);
  const initFor = (regions: readonly RegionRecord[], cellBudget: number | null): AnalysisWorkerInit => ({
    slidePath: request.slide.path,
    slideMpp: (mpp.x + mpp.y) / 2,
    manifestPath: manifest.path,
    ...(request.providers ? { providers: request.providers } : {}),
    ...(request.intraOpThreads ? { intraOpThreads: request.intraOpThreads } : {}),
    regions: regions.map(toAnalysisRegion),
    cellBudget,
  });

  const timings = { read: 0, detect: 0, crop: 0, classify: 0, store: 0, total: 0 };
  const started = performance.now();
  let provider = 'unknown';
  let cellsStored = already;
  let regionsDone = all.length - pending.length;
  const report = (): void => {
    const elapsed = (performance.now() - started) / 1000;
    const doneHere = regionsDone - (all.length - pending.length);
    const eta = doneHere > 0 ? (elapsed / doneHere) * (all.length - regionsDone) : null;
    control.onProgress?.({ runId, regionsDone, regionsTotal: all.length, cellsFound: cellsStored, cellsClassified: cellsStored, etaSeconds: eta });
  };
  report();

  if (pending.length === 0 || budget === 0) {
    // A cell cap can end a run before every planned region is analysed: those regions stay pending on record.
    store.runs.finish(runId, 'completed');
    return { runId, resumed: !!resumable, alreadyComplete: false, status: 'completed', regions: all.length, cells: cellsStored, provider: resumable?.provider ?? 'none', timings };
  }

  const startWorker = control.channel ?? childProcessChannel;
  let restarts = 0;
  let crashesWithoutProgress = 0;
  const outcome = await (async (): Promise<'completed' | 'cancelled'> => {
    for (;;) {
      // Each (re)start takes the regions still pending in the case file, so a restart never redoes a committed region.
      const todo = store.regions.pending(runId);
      const left = request.maxCells === null ? null : Math.max(0, request.maxCells - cellsStored);
      if (todo.length === 0 || left === 0) return 'completed';
      const doneBefore = regionsDone;
      const channel = startWorker(initFor(todo, left));
      control.onWorker?.({ pid: channel.pid, restarts });
      const ended = await driveWorker(channel, new Map(todo.map((r) => [r.id, r])), control.signal, {
        ready: (p) => {
          provider = p;
          store.runs.setProvider(runId, p);
        },
        region: (region, event) => {
          const t0 = performance.now();
          const result = store.cells.insertBatch(region.id, event.cells.map(toNewCell), {
            quality: { ...(region.quality ?? {}), cellsDetected: event.cells.length, truncatedByCellLimit: event.truncated },
          });
          timings.store += performance.now() - t0;
          cellsStored += result.inserted;
          regionsDone += 1;
          for (const k of ['read', 'detect', 'crop', 'classify'] as const) timings[k] += event.timings[k];
          control.onRegionCommitted?.(region, result.inserted);
          report();
        },
      });
      if (ended !== 'crashed') return ended;
      // The worker died mid-run (a native fault, out of memory, killed): what it committed stays;
      // start a fresh one on what is left, unless it keeps dying without getting anywhere.
      crashesWithoutProgress = regionsDone > doneBefore ? 1 : crashesWithoutProgress + 1;
      if (crashesWithoutProgress > MAX_CRASHES_WITHOUT_PROGRESS) {
        const stuck = store.regions.pending(runId)[0];
        throw new AppError(
          'ANALYSIS_FAILED',
          `The analysis worker crashed ${crashesWithoutProgress} times in a row${stuck ? ` on region ${stuck.id} (${Math.round(stuck.bounds.x)}, ${Math.round(stuck.bounds.y)})` : ''}; the ${regionsDone} regions done are kept: rerun to retry the rest`,
        );
      }
      if (control.signal?.aborted) return 'cancelled';
      restarts += 1;
    }
  })().catch((err: unknown) => {
    const info = err instanceof AppError ? err : new AppError('ANALYSIS_FAILED', String(err));
    store.runs.finish(runId, 'failed', { code: info.code, message: info.message });
    throw info;
  });

  store.runs.finish(runId, outcome);
  timings.total = performance.now() - started;
  return { runId, resumed: !!resumable, alreadyComplete: false, status: outcome, regions: all.length, cells: cellsStored, provider, restarts, timings };
}

/** Crashes in a row, with no region committed in between, after which a run fails instead of restarting its worker. */
const MAX_CRASHES_WITHOUT_PROGRESS = 2;

type RegionEvent = Extract<AnalysisWorkerEvent, { type: 'region' }>;

/**
 * Feeds one worker's events to the host until it is done, fails, is cancelled (the worker is asked
 * to stop after its current region and the run resolves once it has exited on its own), or
 * crashes (it exits before saying 'done' or 'error').
 */
function driveWorker(
  channel: AnalysisChannel,
  regions: ReadonlyMap<number, RegionRecord>,
  signal: AbortSignal | undefined,
  on: { ready(provider: string): void; region(region: RegionRecord, event: RegionEvent): void },
): Promise<'completed' | 'cancelled' | 'crashed'> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => settle(() => {
      channel.send({ type: 'cancel' });
      channel.onExit(() => resolve('cancelled'));
    });
    channel.onExit(() => settle(() => resolve('crashed')));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    channel.onMessage((event) => {
      if (settled) return;
      try {
        switch (event.type) {
          case 'ready':
            on.ready(event.provider);
            break;
          case 'region': {
            const region = regions.get(event.regionId);
            if (!region) throw new AppError('INTERNAL', `Worker returned unknown region ${event.regionId}`);
            on.region(region, event);
            break;
          }
          case 'done':
            settle(() => resolve('completed'));
            break;
          case 'error':
            settle(() => reject(new AppError(event.error.code, event.error.message)));
            break;
        }
      } catch (err) {
        settle(() => {
          channel.send({ type: 'cancel' });
          reject(err);
        });
      }
    });
  });
}

function toAnalysisRegion(r: RegionRecord): AnalysisRegion {
  const ring = r.geometry.coordinates[0] ?? [];
  const isRect = ring.length === 5 && new Set(ring.map((p) => p[0])).size === 2 && new Set(ring.map((p) => p[1])).size === 2;
  return { id: r.id, rect: r.bounds, ...(isRect ? {} : { polygon: ring.map(([x, y]) => ({ x, y })) }) };
}

function toNewCell(c: AnalyzedCell): NewCell {
  const d = c.detection;
  return {
    localIndex: c.indexInRegion,
    centroid: d.centroid,
    bbox: d.bounds,
    outline: d.outline,
    measurements: { ...d.measurements, detector: d.detector },
    crop: c.cropJpeg,
    probabilities: c.prediction.probabilities,
    predictedCode: c.prediction.code,
    entropy: c.prediction.entropy,
    mutualInformation: c.prediction.mutualInformation,
    agreement: c.prediction.agreement,
    margin: c.prediction.margin,
  };
}
