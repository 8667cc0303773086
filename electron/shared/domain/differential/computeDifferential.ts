import type { CellClassCode, NdcCategory } from '../taxonomy.js';
import { COUNTED_CATEGORIES, DEFER_CODE, EXCLUDED_CATEGORIES, isCounted } from '../taxonomy.js';
import { categoryOf } from './categoryOf.js';
import { CATEGORY_NAMES } from './categoryNames.js';
import { normaliseCounts } from './countLabels.js';
import { countProgress } from './countProgress.js';
import type { CodeCount, Differential, DifferentialRow, ExcludedRow } from './Differential.js';
import type { DifferentialOptions } from './DifferentialOptions.js';
import { resolveDifferentialOptions } from './DifferentialOptions.js';
import { meRatio } from './meRatio.js';
import type { ReferenceRange } from './referenceRanges.js';
import { blastThresholdFlags } from './thresholdFlags.js';
import { wilsonInterval } from './wilsonInterval.js';

/**
 * The ICSH nucleated differential from per-code counts of CURRENT labels (reviewed label, else
 * predicted). Counted classes form the NDC denominator; megakaryocytes, mitoses, artifacts,
 * platelets, non-nucleated red cells, "other" and deferred cells are listed separately.
 * Use `countLabels()` to turn a list of labels into counts.
 */
export function computeDifferential(
  labelCounts: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
  options: Partial<DifferentialOptions> = {},
): Differential {
  const opts = resolveDifferentialOptions(options);
  const counts = normaliseCounts(labelCounts);

  const byCategory = new Map<NdcCategory, CodeCount[]>();
  let ndcTotal = 0;
  for (const [code, n] of counts) {
    if (n === 0) continue;
    const category = categoryOf(code, opts.blastDefinition);
    const list = byCategory.get(category) ?? [];
    list.push({ code: code as CellClassCode, count: n });
    byCategory.set(category, list);
    if (isCounted(code)) ndcTotal += n;
  }
  const sum = (codes: readonly CodeCount[]): number => codes.reduce((s, c) => s + c.count, 0);
  const codesOf = (category: NdcCategory): CodeCount[] => (byCategory.get(category) ?? []).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const rows: DifferentialRow[] = COUNTED_CATEGORIES.map((category) => {
    const codes = codesOf(category);
    const count = sum(codes);
    const percent = ndcTotal === 0 ? null : (100 * count) / ndcTotal;
    const referenceRange = opts.referenceRanges?.[category] ?? null;
    return {
      category,
      name: CATEGORY_NAMES[category],
      count,
      percent,
      interval: ndcTotal === 0 ? null : wilsonInterval(count, ndcTotal, opts.z),
      codes,
      referenceRange,
      versusReference: compare(percent, referenceRange),
    };
  });
  const excluded: ExcludedRow[] = EXCLUDED_CATEGORIES.map((category) => {
    const codes = codesOf(category);
    return { category, name: CATEGORY_NAMES[category], count: sum(codes), codes };
  });

  const blasts = rows.find((r) => r.category === 'blasts')?.count ?? 0;
  const mitoses = excluded.find((r) => r.category === 'mitoses')?.count ?? 0;
  return {
    options: opts,
    ndcTotal,
    rows,
    excluded,
    meRatio: meRatio(counts, opts.meConvention, opts.meReferenceRange),
    progress: countProgress(ndcTotal, opts.targets),
    flags: blastThresholdFlags(blasts, ndcTotal, opts.blastThresholds, opts.z),
    mitoticIndex: { mitoses, perThousand: ndcTotal + mitoses === 0 ? null : (1000 * mitoses) / (ndcTotal + mitoses) },
    deferred: counts.get(DEFER_CODE) ?? 0,
  };
}

function compare(percent: number | null, range: ReferenceRange | null): DifferentialRow['versusReference'] {
  if (percent === null || range === null) return null;
  if (percent < range.low) return 'below';
  if (percent > range.high) return 'above';
  return 'within';
}
