import type { TaxonomyClass } from '../../../electron/shared/api/views.js';
import { CATEGORY_COLORS, UNKNOWN_CLASS_COLOR } from '../../../electron/shared/domain/classColors.js';

/** One colour per differential category, shared with the reports and exports (electron/shared/domain/classColors.ts). */
export { CATEGORY_COLORS };

/** The colour of a class code in this taxonomy (grey for codes it does not know). */
export function colorOf(taxonomy: readonly TaxonomyClass[], code: string): string {
  const c = taxonomy.find((t) => t.code === code);
  return c ? CATEGORY_COLORS[c.category] : UNKNOWN_CLASS_COLOR;
}
