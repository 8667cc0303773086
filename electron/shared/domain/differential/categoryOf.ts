import type { NdcCategory } from '../taxonomy.js';
import { requireCellClass } from '../taxonomy.js';
import type { BlastDefinition } from './BlastDefinition.js';
import { claimsAsBlast } from './BlastDefinition.js';

/** The report category a label lands in under a blast definition (throws on unknown codes). */
export function categoryOf(code: string, blastDefinition: BlastDefinition): NdcCategory {
  const cls = requireCellClass(code);
  if (cls.blastCandidate !== undefined && claimsAsBlast(blastDefinition, cls.blastCandidate)) return 'blasts';
  return cls.category;
}
