import type { BlastCandidate } from '../taxonomy.js';

/**
 * Which classes count as blasts besides myeloid blasts (M1, always a blast). Each candidate class
 * not claimed here stays in its own category (lymphoblasts → lymphocytes, monoblasts and
 * promonocytes → monocytes, pronormoblasts → erythroid), so the NDC total never changes.
 */
export type BlastDefinition = { readonly [K in BlastCandidate as `${K}s`]: boolean };

/** Named blast definitions that laboratories use. */
export const BLAST_DEFINITIONS = {
  /** Myeloid blasts only. */
  myeloidOnly: { lymphoblasts: false, monoblasts: false, promonocytes: false, pronormoblasts: false },
  /** ICSH 2008: all blasts (myeloid, lymphoid, monocytic); promonocytes with monocytes. The default. */
  icsh: { lymphoblasts: true, monoblasts: true, promonocytes: false, pronormoblasts: false },
  /** WHO/ICC myeloid-neoplasm counting: promonocytes as blast equivalents as well. */
  whoBlastEquivalents: { lymphoblasts: true, monoblasts: true, promonocytes: true, pronormoblasts: false },
  /** As ICSH, plus pronormoblasts, as some laboratories count them. */
  icshWithPronormoblasts: { lymphoblasts: true, monoblasts: true, promonocytes: false, pronormoblasts: true },
} as const satisfies Record<string, BlastDefinition>;

/** One of the named {@link BLAST_DEFINITIONS}. */
export type BlastDefinitionName = keyof typeof BLAST_DEFINITIONS;

/** True when the blast definition claims this candidate class. */
export function claimsAsBlast(definition: BlastDefinition, candidate: BlastCandidate): boolean {
  return definition[`${candidate}s`];
}
