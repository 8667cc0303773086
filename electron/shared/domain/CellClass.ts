/** One class an ensemble predicts, in the model's output order (see models/manifest.schema.json `classes`). */
export interface CellClass {
  /** Code in the 23-class DeepHeme taxonomy where one exists (ER: erythroblast of unspecified stage). */
  readonly code: string;
  /** Display name, e.g. "segmented neutrophil". */
  readonly name: string;
  /** Whether cells of this class count in the nucleated differential (ICSH). */
  readonly countsInDifferential: boolean;
  /** Training-data labels mapped to this class, when the manifest lists them. */
  readonly sourceLabels?: readonly string[];
}
