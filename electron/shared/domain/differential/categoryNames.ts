import type { NdcCategory } from '../taxonomy.js';

/** Report wording for each category (the field's names, as on a marrow report). */
export const CATEGORY_NAMES: Readonly<Record<NdcCategory, string>> = {
  blasts: 'Blasts',
  promyelocytes: 'Promyelocytes',
  myelocytes: 'Myelocytes',
  metamyelocytes: 'Metamyelocytes',
  bands: 'Band neutrophils',
  neutrophils: 'Segmented neutrophils',
  eosinophils: 'Eosinophils (all stages)',
  basophils: 'Basophils',
  mastCells: 'Mast cells',
  monocytes: 'Monocytes',
  lymphocytes: 'Lymphocytes',
  plasmaCells: 'Plasma cells',
  erythroid: 'Erythroid precursors',
  megakaryocytes: 'Megakaryocytes',
  mitoses: 'Mitotic figures',
  artifacts: 'Artifacts / smudged cells',
  platelets: 'Platelet clumps',
  nonNucleatedRed: 'Non-nucleated red cells',
  other: 'Other cells (not counted)',
  deferred: 'Deferred (decide later)',
};
