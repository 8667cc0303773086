import { AppError } from '../../errors/AppError.js';

/** A two-sided confidence interval for a proportion, both ends in percent (0–100). */
export interface PercentInterval {
  readonly low: number;
  readonly high: number;
}

/** z for a two-sided 95% interval (the 0.975 normal quantile). */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for `successes` out of `trials`, in percent. Chosen over the Wald
 * interval because it stays inside 0–100 and behaves at 0 or all successes, which matters for
 * rare classes such as blasts. Check value (DOMAIN.md): 40 of 200 → 15.0–26.1%.
 */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): PercentInterval {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new AppError('VALIDATION_FAILED', `Expected integer ≥ 1 for trials but received ${trials}`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new AppError('VALIDATION_FAILED', `Expected integer 0–${trials} for successes but received ${successes}`);
  }
  return wilsonIntervalAt(successes / trials, trials, z);
}

/**
 * The Wilson interval for an observed proportion `p` (0–1) at `trials` cells, in percent; used to
 * ask "how many cells until the interval clears a threshold" at the current proportion.
 */
export function wilsonIntervalAt(p: number, trials: number, z: number = Z_95): PercentInterval {
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials));
  // Pin exact ends (0 or all successes) and clamp floating-point spill such as -1e-17.
  const low = p === 0 ? 0 : Math.max(0, centre - half);
  const high = p === 1 ? 1 : Math.min(1, centre + half);
  return { low: low * 100, high: high * 100 };
}
