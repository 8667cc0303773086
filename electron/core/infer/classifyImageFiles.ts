import type { EnsemblePrediction } from '../../shared/domain/EnsemblePrediction.js';
import { toErrorInfo, type ErrorInfo } from '../../shared/errors/AppError.js';
import type { CellCrop } from './CellCrop.js';
import { readImageCrop } from './readImageCrop.js';

/** One file's outcome: a prediction, or the coded reason it could not be classified. */
export type FileClassification =
  | { readonly file: string; readonly prediction: EnsemblePrediction; readonly error?: undefined }
  | { readonly file: string; readonly prediction?: undefined; readonly error: ErrorInfo };

/** Anything that classifies crops: an Ensemble in this thread or an InferenceWorker. */
export interface CropClassifier {
  classify(crops: readonly CellCrop[]): Promise<EnsemblePrediction[]>;
}

/**
 * Classifies image files in input order, `batch` at a time, decoding the next batch while the
 * current one is classified. A file that cannot be read yields an error row; the run goes on.
 */
export async function* classifyImageFiles(
  classifier: CropClassifier,
  files: readonly string[],
  micronsPerPixel: number,
  batch: number,
): AsyncGenerator<FileClassification> {
  const decode = (start: number) =>
    Promise.all(files.slice(start, start + batch).map((file) => readImageCrop(file, micronsPerPixel).then((crop) => ({ file, crop }), (err: unknown) => ({ file, error: toErrorInfo(err) }))));
  let next = files.length > 0 ? decode(0) : undefined;
  for (let start = 0; next; start += batch) {
    const decoded = await next;
    next = start + batch < files.length ? decode(start + batch) : undefined;
    const good = decoded.flatMap((d) => ('crop' in d ? [d.crop] : []));
    let predictions: EnsemblePrediction[] = [];
    let batchError: ErrorInfo | undefined;
    try {
      predictions = await classifier.classify(good);
    } catch (err) {
      batchError = toErrorInfo(err);
    }
    let at = 0;
    for (const d of decoded) {
      if ('error' in d) yield { file: d.file, error: d.error };
      else if (batchError) yield { file: d.file, error: batchError };
      else yield { file: d.file, prediction: predictions[at++]! };
    }
  }
}
