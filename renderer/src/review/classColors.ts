import type { NdcCategory } from '../../../electron/shared/domain/taxonomy.js';
import type { TaxonomyClass } from '../../../electron/shared/api/views.js';

/** One colour per differential category: overlays, gallery headers and the bar chart agree. */
export const CATEGORY_COLORS: Readonly<Record<NdcCategory, string>> = {
  blasts: '#d32f2f',
  promyelocytes: '#ef6c00',
  myelocytes: '#f9a825',
  metamyelocytes: '#9e9d24',
  bands: '#7cb342',
  neutrophils: '#2e7d32',
  eosinophils: '#c2185b',
  basophils: '#7b1fa2',
  mastCells: '#512da8',
  monocytes: '#00838f',
  lymphocytes: '#1976d2',
  plasmaCells: '#303f9f',
  erythroid: '#6d4c41',
  megakaryocytes: '#455a64',
  mitoses: '#263238',
  artifacts: '#9e9e9e',
  platelets: '#90a4ae',
  nonNucleatedRed: '#bcaaa4',
  other: '#757575',
  deferred: '#ffa000',
};

/** The colour of a class code (grey for codes the taxonomy does not know). */
export function colorOf(taxonomy: readonly TaxonomyClass[], code: string): string {
  const c = taxonomy.find((t) => t.code === code);
  return c ? CATEGORY_COLORS[c.category] : '#757575';
}
