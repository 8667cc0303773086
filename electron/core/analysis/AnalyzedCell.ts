import type { Detection } from '../../shared/domain/Detection.js';
import type { EnsemblePrediction } from '../../shared/domain/EnsemblePrediction.js';

/** A detected cell with its crop and the ensemble's prediction: what one region yields for the store. */
export interface AnalyzedCell {
  /** Order of the cell within its region (row-major by centroid): with the region id it makes the cell's identity, so a resumed run never duplicates it. */
  readonly indexInRegion: number;
  readonly detection: Detection;
  /** The model-input crop (size × size at the model's µm/px) as JPEG. */
  readonly cropJpeg: Uint8Array;
  readonly prediction: EnsemblePrediction;
}
