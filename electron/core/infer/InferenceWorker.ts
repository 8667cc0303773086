import { Worker } from 'node:worker_threads';
import type { EnsemblePrediction } from '../../shared/domain/EnsemblePrediction.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { ErrorInfo } from '../../shared/errors/AppError.js';
import { checkCrop, type CellCrop } from './CellCrop.js';
import type { EnsembleInfo, EnsembleOptions } from './Ensemble.js';
import type { ClassifyRequest, InferenceWorkerInit, InferenceWorkerMessage, PackedCrop } from './inferenceWorkerProtocol.js';

interface Job {
  readonly crops: readonly CellCrop[];
  readonly resolve: (p: EnsemblePrediction[]) => void;
  readonly reject: (e: AppError) => void;
}

type State = 'starting' | 'ready' | 'crashed' | 'terminated';

/**
 * Runs an {@link Ensemble} in a worker thread so inference never blocks the caller's event loop.
 * Requests queue up; while the worker is busy, queued requests are merged into one batch of at
 * most `maxBatch` crops; pixels travel in one transferred buffer per batch. If the worker dies,
 * the requests it held fail with INFERENCE_FAILED and the next request starts a fresh worker.
 */
export class InferenceWorker {
  private worker: Worker | undefined;
  private state: State = 'starting';
  private loadedInfo: EnsembleInfo | undefined;
  private readonly queue: Job[] = [];
  private inFlight: { readonly id: number; readonly jobs: readonly Job[] } | undefined;
  private nextId = 1;
  private readonly maxBatch: number;
  /** How many times a crashed worker was replaced. */
  restarts = 0;

  private constructor(
    private readonly manifestPath: string,
    private readonly options: EnsembleOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 64;
  }

  /** Starts a worker and resolves once its ensemble is loaded; rejects with the load's error code (e.g. MODEL_HASH_MISMATCH). */
  static async start(manifestPath: string, options: EnsembleOptions = {}): Promise<InferenceWorker> {
    const w = new InferenceWorker(manifestPath, options);
    await w.spawn();
    return w;
  }

  /** The loaded ensemble: name, classes, provider, input size and µm/px. */
  get info(): EnsembleInfo {
    if (!this.loadedInfo) throw new AppError('INFERENCE_FAILED', 'Inference worker has not loaded its ensemble');
    return this.loadedInfo;
  }

  /** Classifies crops (RGB, any size, any µm/px) in the worker; one prediction per crop, in order. */
  classify(crops: readonly CellCrop[]): Promise<EnsemblePrediction[]> {
    if (this.state === 'terminated') return Promise.reject(new AppError('INFERENCE_FAILED', 'Inference worker was terminated'));
    try {
      crops.forEach(checkCrop);
    } catch (err) {
      return Promise.reject(err);
    }
    if (crops.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ crops, resolve, reject });
      if (this.state === 'crashed') {
        this.restarts++;
        this.spawn().catch(() => undefined); // a failed restart rejects the queue itself
      } else this.pump();
    });
  }

  /** Stops the worker now; pending requests fail with ANALYSIS_CANCELLED. */
  async terminate(): Promise<void> {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.failAll({ code: 'ANALYSIS_CANCELLED', message: 'Inference worker was terminated before this request finished' });
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private spawn(): Promise<EnsembleInfo> {
    this.state = 'starting';
    const init: InferenceWorkerInit = { manifestPath: this.manifestPath, options: this.options };
    const worker = new Worker(new URL('./inferenceWorkerMain.js', import.meta.url), { workerData: init });
    this.worker = worker;
    return new Promise<EnsembleInfo>((resolve, reject) => {
      worker.on('message', (msg: InferenceWorkerMessage) => {
        if (msg.type === 'ready') {
          this.loadedInfo = msg.info;
          this.state = 'ready';
          resolve(msg.info);
          this.pump();
        } else if (msg.type === 'failed') {
          const err = new AppError(msg.error.code, msg.error.message);
          this.retire(worker);
          this.state = 'crashed';
          this.failAll(msg.error);
          reject(err);
        } else this.settle(msg);
      });
      worker.on('error', (err) => this.onCrash(worker, `Inference worker crashed: ${err.message}`, reject));
      worker.on('exit', (code) => this.onCrash(worker, `Inference worker exited unexpectedly with code ${code}`, reject));
    });
  }

  private onCrash(worker: Worker, message: string, rejectStart: (e: AppError) => void): void {
    if (this.worker !== worker || this.state === 'terminated') return; // already replaced or stopped on purpose
    this.retire(worker);
    this.state = 'crashed';
    rejectStart(new AppError('INFERENCE_FAILED', message));
    this.failAll({ code: 'INFERENCE_FAILED', message });
  }

  private retire(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    worker.removeAllListeners();
    worker.terminate().catch(() => undefined);
  }

  private failAll(error: ErrorInfo): void {
    const jobs = [...(this.inFlight?.jobs ?? []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    for (const job of jobs) job.reject(new AppError(error.code, error.message));
  }

  // Sends the next batch when the worker is idle: queued requests merged up to maxBatch crops.
  private pump(): void {
    if (this.state !== 'ready' || this.inFlight || !this.worker || this.queue.length === 0) return;
    const jobs: Job[] = [this.queue.shift()!];
    let count = jobs[0]!.crops.length;
    while (this.queue.length > 0 && count + this.queue[0]!.crops.length <= this.maxBatch) {
      const job = this.queue.shift()!;
      count += job.crops.length;
      jobs.push(job);
    }
    let bytes = 0;
    for (const job of jobs) for (const c of job.crops) bytes += c.data.length;
    const buffer = new ArrayBuffer(bytes);
    const view = new Uint8Array(buffer);
    const crops: PackedCrop[] = [];
    let offset = 0;
    for (const job of jobs) {
      for (const c of job.crops) {
        view.set(c.data, offset);
        crops.push({ offset, width: c.width, height: c.height, micronsPerPixel: c.micronsPerPixel });
        offset += c.data.length;
      }
    }
    const id = this.nextId++;
    this.inFlight = { id, jobs };
    const req: ClassifyRequest = { type: 'classify', id, buffer, crops };
    this.worker.postMessage(req, [buffer]);
  }

  private settle(msg: Extract<InferenceWorkerMessage, { type: 'result' | 'error' }>): void {
    const batch = this.inFlight;
    if (!batch || batch.id !== msg.id) return;
    this.inFlight = undefined;
    if (msg.type === 'error') {
      for (const job of batch.jobs) job.reject(new AppError(msg.error.code, msg.error.message));
    } else {
      let at = 0;
      for (const job of batch.jobs) {
        job.resolve(msg.predictions.slice(at, at + job.crops.length));
        at += job.crops.length;
      }
    }
    this.pump();
  }
}
