import type { NdcCategory } from '../../shared/domain/taxonomy.js';

/** LOINC's system URI. */
export const LOINC = 'http://loinc.org';

/** A LOINC code with its display name. */
export interface LoincCode {
  readonly code: string;
  readonly display: string;
}

/** "Differential panel - Bone marrow": the DiagnosticReport's code. */
export const LOINC_BM_DIFFERENTIAL_PANEL: LoincCode = { code: '47286-0', display: 'Differential panel - Bone marrow' };
/** "Myeloid cells/Erythroid cells [Ratio] in Bone marrow". */
export const LOINC_ME_RATIO: LoincCode = { code: '11138-5', display: 'Myeloid cells/Erythroid cells [Ratio] in Bone marrow' };
/** "Cells Counted Total [#] in Bone marrow": the NDC total. */
export const LOINC_CELLS_COUNTED: LoincCode = { code: '38257-2', display: 'Cells Counted Total [#] in Bone marrow' };

/**
 * LOINC codes for differential categories where one exists that matches our category exactly
 * (bone marrow, cells / 100 nucleated cells; LOINC's method is "Manual count", which fits a
 * reviewer-checked count). Categories without an exact LOINC term carry only the local code.
 * Only codes checked against LOINC are listed; add others once checked, never guessed.
 */
export const LOINC_BY_CATEGORY: Readonly<Partial<Record<NdcCategory, LoincCode>>> = {
  lymphocytes: { code: '11108-8', display: 'Lymphocytes/cells in Bone marrow by Manual count' },
  basophils: { code: '11105-4', display: 'Basophils/cells in Bone marrow by Manual count' },
  mastCells: { code: '11109-6', display: 'Mast cells/cells in Bone marrow by Manual count' },
  erythroid: { code: '40689-2', display: 'Erythroid cells/cells in Bone marrow by Manual count' },
};

/** The local code system for differential categories (the taxonomy's NdcCategory keys). */
export const LOCAL_CATEGORY_SYSTEM = 'urn:marrowscope:codesystem:ndc-category';
/** The local code system for interval components. */
export const LOCAL_COMPONENT_SYSTEM = 'urn:marrowscope:codesystem:report-component';
