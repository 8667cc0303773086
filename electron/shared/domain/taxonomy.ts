import { AppError } from '../errors/AppError.js';

/**
 * The cell-class taxonomy: DeepHeme's 23 model classes (docs DOMAIN.md), one generic erythroblast
 * class, the reviewer-only classes a hematopathologist needs even though no model predicts them,
 * and the DEFER pseudo-label. Pure data plus lookups; the differential and the store build on it.
 *
 * Counting rules follow ICSH 2008 (Lee et al., Int J Lab Hematol 30:349): the nucleated
 * differential count (NDC) includes blasts, the neutrophil series, eosinophils, basophils, mast
 * cells, promonocytes and monocytes, lymphocytes, plasma cells and erythroblasts; it excludes
 * megakaryocytes, macrophages, osteoblasts/osteoclasts, stromal and smudged cells and
 * non-haemopoietic cells. Non-nucleated red cells, platelets, artifacts and mitoses are not counted
 * either (mitoses are reported as a mitotic index).
 */

/** Where a class lands in the differential report (counted categories first, then the excluded ones). */
export type NdcCategory =
  | 'blasts'
  | 'promyelocytes'
  | 'myelocytes'
  | 'metamyelocytes'
  | 'bands'
  | 'neutrophils'
  | 'eosinophils'
  | 'basophils'
  | 'mastCells'
  | 'monocytes'
  | 'lymphocytes'
  | 'plasmaCells'
  | 'erythroid'
  | 'megakaryocytes'
  | 'mitoses'
  | 'artifacts'
  | 'platelets'
  | 'nonNucleatedRed'
  | 'other'
  | 'deferred';

/** The counted NDC categories, in report order. */
export const COUNTED_CATEGORIES = [
  'blasts',
  'promyelocytes',
  'myelocytes',
  'metamyelocytes',
  'bands',
  'neutrophils',
  'eosinophils',
  'basophils',
  'mastCells',
  'monocytes',
  'lymphocytes',
  'plasmaCells',
  'erythroid',
] as const satisfies readonly NdcCategory[];

/** The excluded categories, listed separately on the report, in report order. */
export const EXCLUDED_CATEGORIES = [
  'megakaryocytes',
  'mitoses',
  'artifacts',
  'platelets',
  'nonNucleatedRed',
  'other',
  'deferred',
] as const satisfies readonly NdcCategory[];

/** Lineage for the M:E ratio: granulocytic and monocytic (M, monocytic optional by convention) over erythroid (E). */
export type MeLineage = 'granulocytic' | 'monocytic' | 'erythroid' | 'other';

/**
 * Classes some laboratories fold into "blasts" and others do not; the differential's blast
 * definition switches each on or off. When off, the class stays in its own `category`.
 */
export type BlastCandidate = 'lymphoblast' | 'monoblast' | 'promonocyte' | 'pronormoblast';

/** One cell class: its code, name, where it is counted, and its M:E lineage. */
export interface CellClass {
  readonly code: CellClassCode;
  readonly name: string;
  /** Category when the blast definition does not claim it (see `blastCandidate`). */
  readonly category: NdcCategory;
  /** True when the class is part of the ICSH nucleated differential count. */
  readonly counted: boolean;
  readonly lineage: MeLineage;
  /** True for classes no model predicts; reviewers assign them by hand. */
  readonly reviewerOnly: boolean;
  /** True for DeepHeme's 23 model output classes. */
  readonly modelOutput: boolean;
  /** Set when a blast definition may count this class as a blast instead of `category`. */
  readonly blastCandidate?: BlastCandidate;
  /** Why the class is counted or excluded the way it is, where that is a choice. */
  readonly note?: string;
}

/** The 23 DeepHeme model output codes, in model output order (sorted codes). */
export const MODEL_CLASS_CODES = [
  'B1',
  'B2',
  'E1',
  'E4',
  'ER1',
  'ER2',
  'ER3',
  'ER4',
  'ER5',
  'ER6',
  'L2',
  'L4',
  'M1',
  'M2',
  'M3',
  'M4',
  'M5',
  'M6',
  'MO2',
  'PL2',
  'PL3',
  'U1',
  'U4',
] as const;

/** Codes that reviewers may assign beyond the model classes (ER is also a training-data label). */
export const EXTRA_CLASS_CODES = ['ER', 'LB', 'HG', 'MB', 'PMO', 'RL', 'OT'] as const;

/** The "decide later" pseudo-label: not counted, and a case with deferred cells cannot be signed. */
export const DEFER_CODE = 'DEFER' as const;

/** Any label a cell can carry. */
export type CellClassCode = (typeof MODEL_CLASS_CODES)[number] | (typeof EXTRA_CLASS_CODES)[number] | typeof DEFER_CODE;

type Entry = Omit<CellClass, 'modelOutput' | 'reviewerOnly'> & { reviewerOnly?: boolean };

const counted = (
  code: CellClassCode,
  name: string,
  category: NdcCategory,
  lineage: MeLineage,
  extra: Partial<Entry> = {},
): Entry => ({ code, name, category, counted: true, lineage, ...extra });

const excluded = (code: CellClassCode, name: string, category: NdcCategory, note?: string): Entry => ({
  code,
  name,
  category,
  counted: false,
  lineage: 'other',
  ...(note === undefined ? {} : { note }),
});

const ENTRIES: readonly Entry[] = [
  counted('B1', 'mast cell', 'mastCells', 'other', { note: 'ICSH counts mast cells; DeepHeme omits them from its differential' }),
  counted('B2', 'basophil', 'basophils', 'granulocytic'),
  counted('E1', 'immature eosinophil', 'eosinophils', 'granulocytic'),
  counted('E4', 'mature eosinophil', 'eosinophils', 'granulocytic'),
  counted('ER1', 'pronormoblast', 'erythroid', 'erythroid', {
    blastCandidate: 'pronormoblast',
    note: 'Some laboratories count pronormoblasts as blasts; off by default',
  }),
  counted('ER2', 'basophilic normoblast', 'erythroid', 'erythroid'),
  counted('ER3', 'polychromatophilic normoblast', 'erythroid', 'erythroid'),
  counted('ER4', 'orthochromic normoblast', 'erythroid', 'erythroid'),
  excluded('ER5', 'polychromatophilic erythrocyte', 'nonNucleatedRed', 'No nucleus: outside the nucleated differential'),
  excluded('ER6', 'mature erythrocyte', 'nonNucleatedRed', 'No nucleus: outside the nucleated differential'),
  counted('L2', 'lymphocyte', 'lymphocytes', 'other'),
  counted('L4', 'plasma cell', 'plasmaCells', 'other'),
  counted('M1', 'myeloid blast', 'blasts', 'granulocytic', { note: 'Always a blast; a granulocytic precursor for M:E' }),
  counted('M2', 'promyelocyte', 'promyelocytes', 'granulocytic'),
  counted('M3', 'myelocyte', 'myelocytes', 'granulocytic'),
  counted('M4', 'metamyelocyte', 'metamyelocytes', 'granulocytic'),
  counted('M5', 'band neutrophil', 'bands', 'granulocytic'),
  counted('M6', 'segmented neutrophil', 'neutrophils', 'granulocytic'),
  counted('MO2', 'monocyte', 'monocytes', 'monocytic'),
  excluded('PL2', 'megakaryocyte', 'megakaryocytes', 'ICSH excludes megakaryocytes from the NDC; reported separately'),
  excluded('PL3', 'platelet clump', 'platelets'),
  excluded('U1', 'artifact / smudge', 'artifacts', 'ICSH excludes smudged cells'),
  excluded('U4', 'mitotic body', 'mitoses', 'Reported as a mitotic index, not counted'),
  counted('ER', 'erythroblast, unspecified stage', 'erythroid', 'erythroid', {
    note: 'For cells (and training labels) whose normoblast stage is not given',
  }),
  counted('LB', 'lymphoblast', 'lymphocytes', 'other', {
    reviewerOnly: true,
    blastCandidate: 'lymphoblast',
    note: 'ICSH counts all blasts; when a lab counts only myeloid blasts, lymphoblasts fall back to lymphocytes',
  }),
  counted('HG', 'hematogone', 'lymphocytes', 'other', {
    reviewerOnly: true,
    note: 'Normal B-cell precursors: counted with lymphocytes, never as blasts',
  }),
  counted('MB', 'monoblast', 'monocytes', 'monocytic', {
    reviewerOnly: true,
    blastCandidate: 'monoblast',
    note: 'A blast under ICSH/WHO by default; falls back to monocytes when the blast definition excludes it',
  }),
  counted('PMO', 'promonocyte', 'monocytes', 'monocytic', {
    reviewerOnly: true,
    blastCandidate: 'promonocyte',
    note: 'ICSH counts promonocytes with monocytes; WHO treats them as blast equivalents in monocytic leukaemias (option)',
  }),
  counted('RL', 'reactive lymphocyte', 'lymphocytes', 'other', { reviewerOnly: true }),
  {
    ...excluded('OT', 'other cell', 'other', 'Macrophages, osteoblasts, osteoclasts, stromal and non-haemopoietic cells: ICSH excludes them'),
    reviewerOnly: true,
  },
  {
    ...excluded(DEFER_CODE, 'deferred (decide later)', 'deferred', 'Not counted; a case with deferred cells cannot be signed'),
    reviewerOnly: true,
  },
];

/** Every class, model classes first (in output order), then the extra classes, then DEFER. */
export const CELL_CLASSES: readonly CellClass[] = Object.freeze(
  ENTRIES.map((e) =>
    Object.freeze({
      ...e,
      reviewerOnly: e.reviewerOnly ?? false,
      modelOutput: (MODEL_CLASS_CODES as readonly string[]).includes(e.code),
    }),
  ),
);

const BY_CODE: ReadonlyMap<string, CellClass> = new Map(CELL_CLASSES.map((c) => [c.code, c]));

/** True when `value` is a known class code (including DEFER). */
export function isCellClassCode(value: unknown): value is CellClassCode {
  return typeof value === 'string' && BY_CODE.has(value);
}

/** The class for a code, or undefined when the code is unknown. */
export function cellClassByCode(code: string): CellClass | undefined {
  return BY_CODE.get(code);
}

/** The class for a code; throws VALIDATION_FAILED naming the known codes when it is unknown. */
export function requireCellClass(code: string): CellClass {
  const c = BY_CODE.get(code);
  if (c === undefined) {
    throw new AppError('VALIDATION_FAILED', `Expected a cell class code (${[...BY_CODE.keys()].join(', ')}) but received ${JSON.stringify(code)}`);
  }
  return c;
}

/** True when cells of this class count in the ICSH nucleated differential (unknown codes: false). */
export function isCounted(code: string): boolean {
  return BY_CODE.get(code)?.counted ?? false;
}

/** The M:E lineage of a code (unknown codes: 'other'). */
export function lineageOf(code: string): MeLineage {
  return BY_CODE.get(code)?.lineage ?? 'other';
}

/** The codes whose default category is `category`. */
export function codesInCategory(category: NdcCategory): CellClassCode[] {
  return CELL_CLASSES.filter((c) => c.category === category).map((c) => c.code);
}

/** True for the codes a reviewer can pick but no model predicts (includes DEFER). */
export function isReviewerOnly(code: string): boolean {
  return BY_CODE.get(code)?.reviewerOnly ?? false;
}
