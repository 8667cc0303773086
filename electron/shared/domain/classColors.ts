import type { NdcCategory } from './taxonomy.js';
import { cellClassByCode } from './taxonomy.js';

/**
 * One colour per differential category, shared by overlays, galleries, charts, the PDF report and
 * QuPath exports, so a class looks the same everywhere. Classes take their category's colour
 * (the categories are what a reader compares; codes within one are told apart by name).
 */
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

/** Colour of codes the taxonomy does not know. */
export const UNKNOWN_CLASS_COLOR = '#757575';

/** The colour of a class code as #rrggbb (its default category's colour; grey when unknown). */
export function classColorOf(code: string): string {
  const cls = cellClassByCode(code);
  return cls ? CATEGORY_COLORS[cls.category] : UNKNOWN_CLASS_COLOR;
}

/** A #rrggbb colour as [r, g, b] in 0..255 (QuPath's GeoJSON classification colour). */
export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new TypeError(`Expected a #rrggbb colour but received ${JSON.stringify(hex)}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}
