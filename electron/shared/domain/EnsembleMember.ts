/** One member of a snapshot ensemble: an ONNX file beside the manifest and the sha256 it must have. */
export interface EnsembleMember {
  /** File name relative to the manifest's folder (no directories). */
  readonly file: string;
  /** Lower-case hex sha256 of the file; a mismatch refuses to run (MODEL_HASH_MISMATCH). */
  readonly sha256: string;
  /** Learning-rate cycle the snapshot was taken from (1-based), when known. */
  readonly cycle?: number;
  /** Free-form validation metrics of this member alone. */
  readonly validation?: Readonly<Record<string, unknown>>;
}
