import type { NdcCategory } from '../taxonomy.js';

/** A typical range for a percentage or ratio, with where it comes from. */
export interface ReferenceRange {
  readonly low: number;
  readonly high: number;
}

/**
 * Typical adult marrow ranges from ONE laboratory, as quoted in docs/DOMAIN.md. Laboratories
 * should substitute their own; the report must say whose ranges it shows.
 */
export const TYPICAL_ADULT_RANGES: Readonly<Partial<Record<NdcCategory, ReferenceRange>>> = {
  blasts: { low: 0, high: 2 },
  promyelocytes: { low: 2, high: 6 },
  myelocytes: { low: 3, high: 7 },
  metamyelocytes: { low: 5, high: 9 },
  bands: { low: 10, high: 16 },
  neutrophils: { low: 18, high: 28 },
  eosinophils: { low: 1, high: 5 },
  basophils: { low: 0, high: 1 },
  monocytes: { low: 1, high: 5 },
  lymphocytes: { low: 9, high: 19 },
  plasmaCells: { low: 0, high: 1 },
  erythroid: { low: 18, high: 32 },
};

/** Typical adult M:E ratio range (same source): 2–4 : 1. */
export const TYPICAL_ADULT_ME_RATIO: ReferenceRange = { low: 2, high: 4 };
