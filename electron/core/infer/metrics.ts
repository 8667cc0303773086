/** Per-class scores of a classification run. */
export interface ClassMetrics {
  readonly label: string;
  /** Samples whose true label is this class. */
  readonly support: number;
  /** Samples predicted as this class. */
  readonly predicted: number;
  /** 0 when nothing was predicted as this class. */
  readonly precision: number;
  /** 0 when the class has no samples. */
  readonly recall: number;
  readonly f1: number;
  /** One-vs-rest ROC AUC of this class's score; null without both positives and negatives. */
  readonly auc: number | null;
}

/** One equal-width confidence bin of the calibration error. */
export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly accuracy: number | null;
  readonly confidence: number | null;
}

/** Everything `marrowscope evaluate` reports. */
export interface ClassificationMetrics {
  readonly labels: readonly string[];
  readonly count: number;
  readonly accuracy: number;
  /** Mean recall over classes with support > 0. */
  readonly balancedAccuracy: number;
  /** Mean F1 over classes that occur in the truth or the predictions (as scikit-learn). */
  readonly macroF1: number;
  /** Mean one-vs-rest AUC over classes where it is defined; null when none is. */
  readonly macroAuc: number | null;
  /** Expected calibration error of the top-class confidence. */
  readonly ece: number;
  readonly calibrationBins: readonly CalibrationBin[];
  readonly perClass: readonly ClassMetrics[];
  /** confusion[truth][predicted] counts. */
  readonly confusion: readonly (readonly number[])[];
}

/** What to score: label indices, per-class scores and the confidence of each prediction. */
export interface ClassificationSamples {
  readonly labels: readonly string[];
  readonly truth: readonly number[];
  readonly predicted: readonly number[];
  /** scores[i][k]: the model's probability that sample i is class k. */
  readonly scores: readonly (readonly number[])[];
  /** Probability the model gave its own prediction. */
  readonly confidence: readonly number[];
}

/**
 * ROC AUC by the Mann–Whitney U statistic with mid-ranks, so tied scores count one half;
 * null when either class is empty.
 */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number | null {
  const n = scores.length;
  const order = scores.map((s, i) => ({ s, i })).sort((a, b) => a.s - b.s);
  const rank = new Float64Array(n);
  for (let lo = 0; lo < n; ) {
    let hi = lo;
    while (hi + 1 < n && order[hi + 1]!.s === order[lo]!.s) hi++;
    const mid = (lo + hi) / 2 + 1; // ranks are 1-based
    for (let j = lo; j <= hi; j++) rank[order[j]!.i] = mid;
    lo = hi + 1;
  }
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; i++) {
    if (positive[i]) {
      nPos++;
      rankSum += rank[i]!;
    }
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Expected calibration error (Guo et al. 2017): `bins` equal-width confidence bins (lower, upper];
 * the sample-weighted mean of |accuracy − mean confidence| per bin.
 */
export function expectedCalibrationError(confidence: readonly number[], correct: readonly boolean[], bins = 15): { ece: number; bins: CalibrationBin[] } {
  const count = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  confidence.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1));
    count[b]!++;
    confSum[b]! += c;
    if (correct[i]) hits[b]!++;
  });
  const n = confidence.length;
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const k = count[b]!;
    const acc = k ? hits[b]! / k : null;
    const conf = k ? confSum[b]! / k : null;
    if (k) ece += (k / n) * Math.abs(acc! - conf!);
    out.push({ lower: b / bins, upper: (b + 1) / bins, count: k, accuracy: acc, confidence: conf });
  }
  return { ece, bins: out };
}

/** Accuracy, balanced accuracy, macro F1, per-class P/R/F1/AUC, confusion matrix and ECE (15 bins). */
export function classificationMetrics(s: ClassificationSamples): ClassificationMetrics {
  const k = s.labels.length;
  const n = s.truth.length;
  const confusion = s.labels.map(() => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    confusion[s.truth[i]!]![s.predicted[i]!]!++;
    if (s.truth[i] === s.predicted[i]) correct++;
  }
  const perClass: ClassMetrics[] = s.labels.map((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const auc = rocAuc(
      s.scores.map((row) => row[c]!),
      s.truth.map((t) => t === c),
    );
    return { label, support, predicted, precision, recall, f1, auc };
  });
  const present = perClass.filter((m) => m.support > 0);
  const occurring = perClass.filter((m) => m.support > 0 || m.predicted > 0);
  const aucs = perClass.flatMap((m) => (m.auc === null ? [] : [m.auc]));
  const calibration = expectedCalibrationError(
    s.confidence,
    s.truth.map((t, i) => t === s.predicted[i]),
  );
  return {
    labels: s.labels,
    count: n,
    accuracy: n ? correct / n : 0,
    balancedAccuracy: mean(present.map((m) => m.recall)),
    macroF1: mean(occurring.map((m) => m.f1)),
    macroAuc: aucs.length ? mean(aucs) : null,
    ece: calibration.ece,
    calibrationBins: calibration.bins,
    perClass,
    confusion,
  };
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}
