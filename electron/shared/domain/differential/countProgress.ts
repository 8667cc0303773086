import type { CountProgress } from './Differential.js';

/** Progress of an NDC of `counted` cells toward the minimum (300) and precise (500) targets. */
export function countProgress(counted: number, targets: { readonly minimum: number; readonly precise: number }): CountProgress {
  const { minimum, precise } = targets;
  const status = counted >= precise ? 'precise-reached' : counted >= minimum ? 'minimum-reached' : 'below-minimum';
  return {
    counted,
    minimumTarget: minimum,
    preciseTarget: precise,
    status,
    remainingToMinimum: Math.max(0, minimum - counted),
    remainingToPrecise: Math.max(0, precise - counted),
    fractionOfPrecise: Math.min(1, counted / precise),
  };
}
