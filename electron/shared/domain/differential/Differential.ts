import type { CellClassCode, NdcCategory } from '../taxonomy.js';
import type { DifferentialOptions, MeConvention } from './DifferentialOptions.js';
import type { ReferenceRange } from './referenceRanges.js';
import type { PercentInterval } from './wilsonInterval.js';

/** How many cells of one code went into a row. */
export interface CodeCount {
  readonly code: CellClassCode;
  readonly count: number;
}

/** One counted category of the nucleated differential. */
export interface DifferentialRow {
  readonly category: NdcCategory;
  readonly name: string;
  readonly count: number;
  /** Percent of the NDC total; null when nothing is counted yet. */
  readonly percent: number | null;
  /** Wilson score interval (default 95%) in percent; null when nothing is counted yet. */
  readonly interval: PercentInterval | null;
  /** The codes that make up the row, with their counts (only codes with count > 0). */
  readonly codes: readonly CodeCount[];
  readonly referenceRange: ReferenceRange | null;
  /** Where the percent falls against the reference range; null without range or count. */
  readonly versusReference: 'below' | 'within' | 'above' | null;
}

/** A category outside the NDC (megakaryocytes, mitoses, artifacts, ...): counts only. */
export interface ExcludedRow {
  readonly category: NdcCategory;
  readonly name: string;
  readonly count: number;
  readonly codes: readonly CodeCount[];
}

/** The M:E ratio with the convention that produced it. */
export interface MeRatio {
  readonly convention: MeConvention;
  /** Granulocytic (+ monocytic under 'icsh-with-monocytes') cells. */
  readonly myeloid: number;
  readonly erythroid: number;
  /** myeloid / erythroid; null when there are no erythroid precursors. */
  readonly ratio: number | null;
  /** e.g. "3.2:1", or "not defined (no erythroid precursors)". */
  readonly display: string;
  readonly referenceRange: ReferenceRange | null;
}

/** Progress toward the ICSH cell-count targets. */
export interface CountProgress {
  readonly counted: number;
  readonly minimumTarget: number;
  readonly preciseTarget: number;
  readonly status: 'below-minimum' | 'minimum-reached' | 'precise-reached';
  readonly remainingToMinimum: number;
  readonly remainingToPrecise: number;
  /** counted / preciseTarget, capped at 1. */
  readonly fractionOfPrecise: number;
}

/** The blast percentage's interval contains a diagnostic threshold: count more or ask a second observer. */
export interface ThresholdFlag {
  readonly metric: 'blasts';
  readonly thresholdPercent: number;
  readonly percent: number;
  readonly interval: PercentInterval;
  /**
   * Total cells needed, at the current blast proportion, for the interval to exclude the
   * threshold; null when the proportion sits exactly on it (no count resolves that).
   */
  readonly cellsToResolve: number | null;
  readonly message: string;
}

/** Mitotic figures per 1,000 nucleated cells assessed (NDC + mitoses). */
export interface MitoticIndex {
  readonly mitoses: number;
  readonly perThousand: number | null;
}

/** The ICSH nucleated differential count derived from current labels. */
export interface Differential {
  readonly options: DifferentialOptions;
  /** Cells in the NDC (the denominator of every percentage). */
  readonly ndcTotal: number;
  readonly rows: readonly DifferentialRow[];
  readonly excluded: readonly ExcludedRow[];
  readonly meRatio: MeRatio;
  readonly progress: CountProgress;
  readonly flags: readonly ThresholdFlag[];
  readonly mitoticIndex: MitoticIndex;
  /** Cells labelled DEFER: a case with any cannot be signed. */
  readonly deferred: number;
}
