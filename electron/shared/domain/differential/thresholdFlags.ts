import type { ThresholdFlag } from './Differential.js';
import type { PercentInterval } from './wilsonInterval.js';
import { wilsonInterval, wilsonIntervalAt } from './wilsonInterval.js';

/** Upper bound for the cells-to-resolve search; beyond it the answer is "not practical" (null). */
const MAX_CELLS = 10_000_000;

/** True when the interval contains the threshold (inclusive ends: touching is not clearing). */
export function straddles(interval: PercentInterval, thresholdPercent: number): boolean {
  return interval.low <= thresholdPercent && thresholdPercent <= interval.high;
}

/**
 * Smallest total cell count at which the interval around proportion `p` (0–1) excludes the
 * threshold, assuming the proportion holds; null when p sits on the threshold or it needs more
 * than 10 million cells. The Wilson interval narrows monotonically in n at fixed p, so bisection works.
 */
export function cellsToResolve(p: number, thresholdPercent: number, from: number, z: number): number | null {
  if (p * 100 === thresholdPercent) return null;
  const clears = (n: number): boolean => !straddles(wilsonIntervalAt(p, n, z), thresholdPercent);
  let lo = Math.max(1, from);
  if (clears(lo)) return lo;
  let hi = lo * 2;
  while (!clears(hi)) {
    if (hi >= MAX_CELLS) return null;
    lo = hi;
    hi = Math.min(MAX_CELLS, hi * 2);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (clears(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * One flag per blast threshold (5/10/20%) that the blast percentage's interval straddles: the
 * count cannot yet say on which side of the threshold the marrow lies.
 */
export function blastThresholdFlags(blasts: number, ndcTotal: number, thresholds: readonly number[], z: number): ThresholdFlag[] {
  if (ndcTotal === 0) return [];
  const interval = wilsonInterval(blasts, ndcTotal, z);
  const percent = (100 * blasts) / ndcTotal;
  const flags: ThresholdFlag[] = [];
  for (const t of thresholds) {
    if (!straddles(interval, t)) continue;
    const need = cellsToResolve(blasts / ndcTotal, t, ndcTotal, z);
    const advice =
      need === null
        ? 'more cells will not resolve it at this proportion; ask a second observer'
        : `about ${need} cells in total (${need - ndcTotal} more) would resolve it if the proportion holds; count more or ask a second observer`;
    flags.push({
      metric: 'blasts',
      thresholdPercent: t,
      percent,
      interval,
      cellsToResolve: need,
      message: `Blasts ${percent.toFixed(1)}% (CI ${interval.low.toFixed(1)}–${interval.high.toFixed(1)}%) of ${ndcTotal} cells straddle the ${t}% threshold: ${advice}.`,
    });
  }
  return flags;
}
