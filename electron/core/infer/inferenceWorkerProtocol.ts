import type { EnsemblePrediction } from '../../shared/domain/EnsemblePrediction.js';
import type { ErrorInfo } from '../../shared/errors/AppError.js';
import type { EnsembleInfo, EnsembleOptions } from './Ensemble.js';

/** workerData of the inference worker. */
export interface InferenceWorkerInit {
  readonly manifestPath: string;
  readonly options: EnsembleOptions;
}

/** Where one crop's pixels lie in a request's shared buffer. */
export interface PackedCrop {
  readonly offset: number;
  readonly width: number;
  readonly height: number;
  readonly micronsPerPixel: number;
}

/** Host → worker: classify the crops packed into `buffer` (transferred, not copied). */
export interface ClassifyRequest {
  readonly type: 'classify';
  readonly id: number;
  readonly buffer: ArrayBuffer;
  readonly crops: readonly PackedCrop[];
}

/** Worker → host messages. */
export type InferenceWorkerMessage =
  | { readonly type: 'ready'; readonly info: EnsembleInfo }
  | { readonly type: 'failed'; readonly error: ErrorInfo }
  | { readonly type: 'result'; readonly id: number; readonly predictions: EnsemblePrediction[] }
  | { readonly type: 'error'; readonly id: number; readonly error: ErrorInfo };
