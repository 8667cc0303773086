import type { BlastDefinitionName, MeConvention } from '../../../electron/shared/domain/differential/index.js';

/** How the blast definitions read in selectors, dialogs and the report preview. */
export const BLAST_DEFINITION_LABELS: Readonly<Record<BlastDefinitionName, string>> = {
  icsh: 'ICSH: all blasts',
  myeloidOnly: 'Myeloid blasts only',
  whoBlastEquivalents: 'WHO: + promonocytes',
  icshWithPronormoblasts: 'ICSH + pronormoblasts',
};

/** How the M:E conventions read. */
export const ME_LABELS: Readonly<Record<MeConvention, string>> = {
  'icsh-with-monocytes': 'ICSH (monocytes in M)',
  'without-monocytes': 'Without monocytes',
};
