/** The ICSH nucleated differential: pure functions over current labels (no Node imports). */
export { computeDifferential } from './computeDifferential.js';
export { countLabels, normaliseCounts } from './countLabels.js';
export { categoryOf } from './categoryOf.js';
export { CATEGORY_NAMES } from './categoryNames.js';
export { meRatio } from './meRatio.js';
export { countProgress } from './countProgress.js';
export { blastThresholdFlags, cellsToResolve, straddles } from './thresholdFlags.js';
export { wilsonInterval, wilsonIntervalAt, Z_95 } from './wilsonInterval.js';
export type { PercentInterval } from './wilsonInterval.js';
export { BLAST_DEFINITIONS, claimsAsBlast } from './BlastDefinition.js';
export type { BlastDefinition, BlastDefinitionName } from './BlastDefinition.js';
export { DEFAULT_DIFFERENTIAL_OPTIONS, resolveDifferentialOptions } from './DifferentialOptions.js';
export type { DifferentialOptions, MeConvention } from './DifferentialOptions.js';
export { TYPICAL_ADULT_RANGES, TYPICAL_ADULT_ME_RATIO } from './referenceRanges.js';
export type { ReferenceRange } from './referenceRanges.js';
export type { CodeCount, CountProgress, Differential, DifferentialRow, ExcludedRow, MeRatio, MitoticIndex, ThresholdFlag } from './Differential.js';
