import type { EnsemblePrediction } from '../../shared/domain/EnsemblePrediction.js';

/** The label set an evaluation scores in, and which of those labels each model class counts as. */
export interface EvaluationLabels {
  readonly labels: readonly string[];
  /** groupOf[classIndex] = index into `labels`. */
  readonly groupOf: readonly number[];
}

/** Label given to model classes that a prediction map leaves out. */
export const OTHER_LABEL = 'OTHER';

/**
 * Without a prediction map, the labels are the model's class codes. With one (e.g. codes → the 8
 * coarse PBC classes), each class counts as its mapped label, in class order; classes the map does
 * not name count as OTHER, so a prediction outside the evaluated set is still an error, not dropped.
 */
export function evaluationLabels(classCodes: readonly string[], predictionMap?: Readonly<Record<string, string>>): EvaluationLabels {
  if (!predictionMap) return { labels: [...classCodes], groupOf: classCodes.map((_, i) => i) };
  const labels: string[] = [];
  const groupOf = classCodes.map((code) => {
    const label = predictionMap[code] ?? OTHER_LABEL;
    if (!labels.includes(label)) labels.push(label);
    return labels.indexOf(label);
  });
  return { labels, groupOf };
}

/** Where one dataset label lands: an evaluation label index, or why the sample is left out. */
export type TruthMapping = { readonly index: number } | { readonly excluded: 'unmapped' | 'notEvaluated'; readonly label: string };

/**
 * Maps a dataset label onto the evaluation labels: through the label map when given, then, when it
 * names a model class that the prediction map groups, through the prediction map as well (so fine
 * labels and predictions are scored in the same coarse classes).
 */
export function mapTruth(
  raw: string,
  labels: EvaluationLabels,
  labelMap?: Readonly<Record<string, string>>,
  predictionMap?: Readonly<Record<string, string>>,
): TruthMapping {
  const first = labelMap ? labelMap[raw] : raw;
  if (first === undefined) return { excluded: 'unmapped', label: raw };
  const mapped = predictionMap?.[first] ?? first;
  const index = labels.labels.indexOf(mapped);
  // OTHER is only a sink for predictions; a sample labelled OTHER would score nothing meaningful.
  if (index < 0 || mapped === OTHER_LABEL) return { excluded: 'notEvaluated', label: mapped };
  return { index };
}

/** A prediction in evaluation labels: its label index, the summed probability per label, and its confidence. */
export function groupPrediction(p: EnsemblePrediction, labels: EvaluationLabels): { predicted: number; scores: number[]; confidence: number } {
  const scores = new Array<number>(labels.labels.length).fill(0);
  p.probabilities.forEach((v, c) => (scores[labels.groupOf[c]!]! += v));
  const predicted = labels.groupOf[p.classIndex]!;
  return { predicted, scores, confidence: scores[predicted]! };
}
