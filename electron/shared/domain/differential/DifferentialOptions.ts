import type { BlastDefinition } from './BlastDefinition.js';
import { BLAST_DEFINITIONS } from './BlastDefinition.js';
import type { ReferenceRange } from './referenceRanges.js';
import { TYPICAL_ADULT_ME_RATIO, TYPICAL_ADULT_RANGES } from './referenceRanges.js';
import type { NdcCategory } from '../taxonomy.js';
import { AppError } from '../../errors/AppError.js';

/**
 * How the M:E ratio is formed. ICSH: all granulocytes and monocytes with their precursors over
 * erythroblasts; some labs leave the monocytic series out. The report must name the one used.
 */
export type MeConvention = 'icsh-with-monocytes' | 'without-monocytes';

/** Everything a laboratory may choose about the differential; see {@link DEFAULT_DIFFERENTIAL_OPTIONS}. */
export interface DifferentialOptions {
  readonly blastDefinition: BlastDefinition;
  readonly meConvention: MeConvention;
  /** Cell-count targets (ICSH: 300 when the NDC is not essential, 500 when a precise percentage matters). */
  readonly targets: { readonly minimum: number; readonly precise: number };
  /** Blast percentages whose crossing changes a diagnosis (WHO 5th / ICC: 5, 10, 20). */
  readonly blastThresholds: readonly number[];
  /** Normal-quantile z for the intervals (1.96 → 95%). */
  readonly z: number;
  /** Ranges shown beside each row; null shows none. */
  readonly referenceRanges: Readonly<Partial<Record<NdcCategory, ReferenceRange>>> | null;
  readonly meReferenceRange: ReferenceRange | null;
}

/** ICSH defaults: ICSH blast definition, M:E with monocytes, 300/500 targets, 5/10/20% thresholds, 95% intervals. */
export const DEFAULT_DIFFERENTIAL_OPTIONS: DifferentialOptions = Object.freeze({
  blastDefinition: BLAST_DEFINITIONS.icsh,
  meConvention: 'icsh-with-monocytes',
  targets: Object.freeze({ minimum: 300, precise: 500 }),
  blastThresholds: Object.freeze([5, 10, 20]),
  z: 1.959963984540054,
  referenceRanges: TYPICAL_ADULT_RANGES,
  meReferenceRange: TYPICAL_ADULT_ME_RATIO,
});

/** Fills defaults and checks the values, throwing VALIDATION_FAILED that names the bad option. */
export function resolveDifferentialOptions(partial: Partial<DifferentialOptions> = {}): DifferentialOptions {
  const o: DifferentialOptions = { ...DEFAULT_DIFFERENTIAL_OPTIONS, ...partial };
  const bad = (what: string, expected: string, got: unknown): never => {
    throw new AppError('VALIDATION_FAILED', `Expected ${expected} for differentialOptions.${what} but received ${JSON.stringify(got)}`);
  };
  if (o.meConvention !== 'icsh-with-monocytes' && o.meConvention !== 'without-monocytes') {
    bad('meConvention', "'icsh-with-monocytes' or 'without-monocytes'", o.meConvention);
  }
  const { minimum, precise } = o.targets;
  if (!Number.isInteger(minimum) || minimum < 1) bad('targets.minimum', 'integer ≥ 1', minimum);
  if (!Number.isInteger(precise) || precise < minimum) bad('targets.precise', `integer ≥ targets.minimum (${minimum})`, precise);
  for (const t of o.blastThresholds) {
    if (!(t > 0 && t < 100)) bad('blastThresholds', 'percentages strictly between 0 and 100', o.blastThresholds);
  }
  if (!(o.z > 0) || !Number.isFinite(o.z)) bad('z', 'a finite number > 0', o.z);
  for (const key of ['lymphoblasts', 'monoblasts', 'promonocytes', 'pronormoblasts'] as const) {
    if (typeof o.blastDefinition[key] !== 'boolean') bad(`blastDefinition.${key}`, 'boolean', o.blastDefinition[key]);
  }
  return o;
}
