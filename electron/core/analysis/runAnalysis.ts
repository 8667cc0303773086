import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion } from '../report/packageVersion.js';
import { Worker } from 'node:worker_threads';
import type { SlideInfo } from '../../shared/domain/Slide.js';
import { requireCalibration } from '../../shared/domain/PixelCalibration.js';
import { AppError } from '../../shared/errors/AppError.js';
import { loadManifest, sha256Hex } from '../infer/loadManifest.js';
import { projectRoot } from '../paths.js';
import type { CaseStore, NewCell, NewRegion, RegionRecord } from '../store/index.js';
import { canonicalJson } from '../store/canonicalJson.js';
import type { AnalysisProgress } from './AnalysisProgress.js';
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
  /** Milliseconds per step, summed over this session's regions: worker steps, the host's transactions, and wall time. */
  readonly timings: RegionTimings & { store: number; total: number };
}

/** Hooks of a run: progress events and cancellation. */
export interface AnalysisControl {
  readonly onProgress?: (progress: AnalysisProgress) => void;
  readonly signal?: AbortSignal;
  /** Called after each region's transaction commits (tests use it to kill the process mid-run). */
  readonly onRegionCommitted?: (region: RegionRecord, stored: number) => void;
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
  const init: AnalysisWorkerInit = {
    slidePath: request.slide.path,
    slideMpp: (mpp.x + mpp.y) / 2,
    manifestPath: manifest.path,
    ...(request.providers ? { providers: request.providers } : {}),
    ...(request.intraOpThreads ? { intraOpThreads: request.intraOpThreads } : {}),
    regions: pending.map(toAnalysisRegion),
    cellBudget: budget,
  };

  const timings = { read: 0, detect: 0, crop: 0, classify: 0, store: 0, total: 0 };
  const started = performance.now();
  let provider = 'unknown';
  let cellsStored = already;
  let regionsDone = all.length - pending.length;
  const byId = new Map(pending.map((r) => [r.id, r]));
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

  const worker = new Worker(join(projectRoot(), 'dist', 'electron', 'core', 'analysis', 'analysisWorkerMain.js'), { workerData: init });
  const outcome = await new Promise<'completed' | 'cancelled'>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      control.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    // Cancel asks the worker to stop after its current region and resolves once the thread has
    // ended on its own (see analysisWorkerMain: terminating it can abort the process).
    const onAbort = (): void => {
      settle(() => {
        worker.postMessage({ type: 'cancel' });
        worker.once('exit', () => resolve('cancelled'));
      });
    };
    if (control.signal?.aborted) return onAbort();
    control.signal?.addEventListener('abort', onAbort);

    worker.on('message', (event: AnalysisWorkerEvent) => {
      if (settled) return;
      try {
        switch (event.type) {
          case 'ready':
            provider = event.provider;
            store.runs.setProvider(runId, event.provider);
            break;
          case 'region': {
            const region = byId.get(event.regionId);
            if (!region) throw new AppError('INTERNAL', `Worker returned unknown region ${event.regionId}`);
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
          worker.postMessage({ type: 'cancel' });
          reject(err);
        });
      }
    });
    worker.on('error', (err) => settle(() => reject(new AppError('ANALYSIS_FAILED', `The analysis worker crashed: ${err.message}`))));
    worker.on('exit', (code) => settle(() => reject(new AppError('ANALYSIS_FAILED', `The analysis worker exited early (code ${code})`))));
  }).catch((err: unknown) => {
    const info = err instanceof AppError ? err : new AppError('ANALYSIS_FAILED', String(err));
    store.runs.finish(runId, 'failed', { code: info.code, message: info.message });
    throw info;
  });

  store.runs.finish(runId, outcome);
  timings.total = performance.now() - started;
  return { runId, resumed: !!resumable, alreadyComplete: false, status: outcome, regions: all.length, cells: cellsStored, provider, timings };
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
