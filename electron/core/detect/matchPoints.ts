/** One-to-one matching of detected and labelled cell positions, for evaluation (pure). */

/** A position in any common unit (the evaluation uses µm). */
export interface PointXY {
  readonly x: number;
  readonly y: number;
}

/** The outcome of {@link matchPoints}: index pairs plus what stayed unmatched. */
export interface PointMatching {
  /** [detection index, truth index, distance], closest pairs first. */
  readonly pairs: readonly (readonly [number, number, number])[];
  readonly unmatchedDetections: readonly number[];
  readonly unmatchedTruths: readonly number[];
}

/**
 * Greedy one-to-one matching: all detection–truth pairs closer than `radius` (inclusive), taken
 * in order of increasing distance, each detection and each truth used at most once. Greedy is
 * what detection benchmarks usually do and equals the optimum when cells are farther apart than
 * 2 × radius; ties break by index, so the result is deterministic.
 */
export function matchPoints(detections: readonly PointXY[], truths: readonly PointXY[], radius: number): PointMatching {
  if (!(radius >= 0)) throw new RangeError(`radius must be ≥ 0, got ${radius}`);
  const candidates: [number, number, number][] = [];
  const r2 = radius * radius;
  detections.forEach((d, i) => {
    truths.forEach((t, j) => {
      const dd = (d.x - t.x) ** 2 + (d.y - t.y) ** 2;
      if (dd <= r2) candidates.push([i, j, Math.sqrt(dd)]);
    });
  });
  candidates.sort((a, b) => a[2] - b[2] || a[0] - b[0] || a[1] - b[1]);
  const usedD = new Set<number>();
  const usedT = new Set<number>();
  const pairs: [number, number, number][] = [];
  for (const c of candidates) {
    if (usedD.has(c[0]) || usedT.has(c[1])) continue;
    usedD.add(c[0]);
    usedT.add(c[1]);
    pairs.push(c);
  }
  return {
    pairs,
    unmatchedDetections: detections.map((_, i) => i).filter((i) => !usedD.has(i)),
    unmatchedTruths: truths.map((_, j) => j).filter((j) => !usedT.has(j)),
  };
}

/** Recall, precision and F1 from counts; NaN where undefined (no truths / no detections). */
export function detectionScores(truePositives: number, truths: number, detections: number): { recall: number; precision: number; f1: number } {
  const recall = truths > 0 ? truePositives / truths : NaN;
  const precision = detections > 0 ? truePositives / detections : NaN;
  const f1 = recall + precision > 0 ? (2 * recall * precision) / (recall + precision) : NaN;
  return { recall, precision, f1 };
}
