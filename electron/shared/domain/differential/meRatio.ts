import { lineageOf } from '../taxonomy.js';
import type { MeRatio } from './Differential.js';
import type { MeConvention } from './DifferentialOptions.js';
import type { ReferenceRange } from './referenceRanges.js';

/**
 * The M:E ratio from per-code counts. M = granulocytic lineage (myeloblasts through neutrophils,
 * eosinophils, basophils), plus the monocytic series under 'icsh-with-monocytes'; E = erythroblasts
 * of all stages. Lineage does not follow the blast definition: a pronormoblast counted as a blast
 * is still an erythroid precursor here.
 */
export function meRatio(
  counts: ReadonlyMap<string, number>,
  convention: MeConvention,
  referenceRange: ReferenceRange | null = null,
): MeRatio {
  let myeloid = 0;
  let erythroid = 0;
  for (const [code, n] of counts) {
    const lineage = lineageOf(code);
    if (lineage === 'granulocytic' || (lineage === 'monocytic' && convention === 'icsh-with-monocytes')) myeloid += n;
    else if (lineage === 'erythroid') erythroid += n;
  }
  const ratio = erythroid === 0 ? null : myeloid / erythroid;
  const display = ratio === null ? 'not defined (no erythroid precursors)' : `${ratio.toFixed(1)}:1`;
  return { convention, myeloid, erythroid, ratio, display, referenceRange };
}
