import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLAST_DEFINITIONS,
  computeDifferential,
  countLabels,
  wilsonInterval,
  type Differential,
} from '../../../electron/shared/domain/differential/index.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { CELL_CLASSES, COUNTED_CATEGORIES } from '../../../electron/shared/domain/taxonomy.js';
import { categoryOf } from '../../../electron/shared/domain/differential/index.js';

const row = (d: Differential, category: string) => {
  const r = d.rows.find((x) => x.category === category);
  assert.ok(r, `row ${category}`);
  return r;
};
const excludedCount = (d: Differential, category: string): number => d.excluded.find((x) => x.category === category)?.count ?? -1;

// A hand-made 400-cell marrow count (NDC 400) plus excluded objects.
const COUNTS = {
  M1: 8, M2: 16, M3: 24, M4: 28, M5: 48, M6: 88, E1: 4, E4: 8, B2: 2, B1: 1, MO2: 12, L2: 52, L4: 3,
  ER1: 4, ER2: 20, ER3: 50, ER4: 32, ER: 2,
  // not in the NDC:
  PL2: 5, U4: 2, U1: 30, PL3: 9, ER5: 40, ER6: 100, OT: 3, DEFER: 4,
} as const;

test('NDC counts only the ICSH classes; percentages use the NDC as denominator', () => {
  const d = computeDifferential(COUNTS);
  assert.equal(d.ndcTotal, 402);
  assert.equal(row(d, 'blasts').count, 8);
  assert.equal(row(d, 'eosinophils').count, 12);
  assert.deepEqual(row(d, 'eosinophils').codes, [
    { code: 'E1', count: 4 },
    { code: 'E4', count: 8 },
  ]);
  assert.equal(row(d, 'erythroid').count, 108);
  assert.equal(row(d, 'mastCells').count, 1);
  assert.equal(row(d, 'neutrophils').percent, (100 * 88) / 402);
  assert.deepEqual(row(d, 'lymphocytes').interval, wilsonInterval(52, 402));
  const totalPercent = d.rows.reduce((s, r) => s + (r.percent ?? 0), 0);
  assert.ok(Math.abs(totalPercent - 100) < 1e-9, `percentages sum to 100 (got ${totalPercent})`);
  assert.equal(d.rows.reduce((s, r) => s + r.count, 0), d.ndcTotal);
});

test('excluded objects are listed separately and never enter the NDC', () => {
  const d = computeDifferential(COUNTS);
  assert.equal(excludedCount(d, 'megakaryocytes'), 5);
  assert.equal(excludedCount(d, 'mitoses'), 2);
  assert.equal(excludedCount(d, 'artifacts'), 30);
  assert.equal(excludedCount(d, 'platelets'), 9);
  assert.equal(excludedCount(d, 'nonNucleatedRed'), 140);
  assert.equal(excludedCount(d, 'other'), 3);
  assert.equal(excludedCount(d, 'deferred'), 4);
  assert.equal(d.deferred, 4);
  assert.equal(d.mitoticIndex.mitoses, 2);
  assert.equal(d.mitoticIndex.perThousand, (1000 * 2) / 404);
  // Adding excluded objects changes no percentage.
  const bare = computeDifferential(Object.fromEntries(Object.entries(COUNTS).filter(([c]) => !['PL2', 'U4', 'U1', 'PL3', 'ER5', 'ER6', 'OT', 'DEFER'].includes(c))));
  assert.deepEqual(bare.rows.map((r) => r.percent), d.rows.map((r) => r.percent));
});

test('blast definition moves lymphoblasts, monoblasts, promonocytes and pronormoblasts; the NDC total never changes', () => {
  const counts = { M1: 10, LB: 3, MB: 2, PMO: 4, MO2: 6, ER1: 5, ER3: 20, L2: 50, HG: 7 };
  const my = computeDifferential(counts, { blastDefinition: BLAST_DEFINITIONS.myeloidOnly });
  const icsh = computeDifferential(counts); // default
  const who = computeDifferential(counts, { blastDefinition: BLAST_DEFINITIONS.whoBlastEquivalents });
  const pn = computeDifferential(counts, { blastDefinition: BLAST_DEFINITIONS.icshWithPronormoblasts });
  for (const d of [my, icsh, who, pn]) assert.equal(d.ndcTotal, 107);
  assert.equal(row(my, 'blasts').count, 10);
  assert.equal(row(my, 'lymphocytes').count, 60); // L2 + LB + HG: lymphoblasts fall back to lymphocytes
  assert.equal(row(my, 'monocytes').count, 12); // MO2 + PMO + MB
  assert.equal(row(icsh, 'blasts').count, 15); // M1 + LB + MB
  assert.equal(row(icsh, 'monocytes').count, 10); // promonocytes stay with monocytes under ICSH
  assert.equal(row(icsh, 'lymphocytes').count, 57); // hematogones are never blasts
  assert.equal(row(who, 'blasts').count, 19);
  assert.equal(row(who, 'monocytes').count, 6);
  assert.equal(row(pn, 'blasts').count, 20);
  assert.equal(row(pn, 'erythroid').count, 20);
  assert.deepEqual(row(pn, 'blasts').codes.map((c) => c.code), ['ER1', 'LB', 'M1', 'MB']);
  // M:E lineage does not follow the blast definition.
  assert.equal(pn.meRatio.erythroid, 25);
});

test('an empty count has no percentages, intervals, ratio or flags', () => {
  const d = computeDifferential({});
  assert.equal(d.ndcTotal, 0);
  for (const r of d.rows) {
    assert.equal(r.percent, null);
    assert.equal(r.interval, null);
    assert.equal(r.versusReference, null);
  }
  assert.equal(d.meRatio.ratio, null);
  assert.deepEqual(d.flags, []);
  assert.equal(d.progress.status, 'below-minimum');
  assert.equal(d.mitoticIndex.perThousand, null);
});

test('only excluded objects: NDC 0 but excluded rows are counted', () => {
  const d = computeDifferential({ ER6: 50, U1: 3 });
  assert.equal(d.ndcTotal, 0);
  assert.equal(excludedCount(d, 'nonNucleatedRed'), 50);
});

test('countLabels from a list of current labels gives the same differential as counts', () => {
  const labels = [...Array(30).fill('M6'), ...Array(10).fill('ER3'), 'M1', 'U1', 'DEFER'];
  const counts = countLabels(labels);
  assert.equal(counts.get('M6'), 30);
  assert.deepEqual(computeDifferential(counts), computeDifferential({ M6: 30, ER3: 10, M1: 1, U1: 1, DEFER: 1 }));
});

test('reference ranges mark rows below, within or above; null hides them', () => {
  const d = computeDifferential({ M1: 10, M6: 90 }); // blasts 10% (0–2 typical), neutrophils 90% (18–28)
  assert.equal(row(d, 'blasts').versusReference, 'above');
  assert.equal(row(d, 'erythroid').versusReference, 'below');
  assert.equal(row(d, 'basophils').versusReference, 'within');
  const none = computeDifferential({ M1: 10 }, { referenceRanges: null });
  assert.equal(row(none, 'blasts').referenceRange, null);
  assert.equal(row(none, 'blasts').versusReference, null);
});

test('unknown codes and bad counts or options throw VALIDATION_FAILED naming the problem', () => {
  const coded = (re: RegExp) => (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && re.test(e.message);
  assert.throws(() => computeDifferential({ M7: 3 }), coded(/"M7"/));
  assert.throws(() => computeDifferential({ M1: -1 }), coded(/counts\.M1.*-1/));
  assert.throws(() => computeDifferential({ M1: 2.5 }), coded(/counts\.M1/));
  assert.throws(() => countLabels(['M1', 'bogus']), coded(/labels\[1\].*"bogus"/));
  assert.throws(() => computeDifferential({}, { targets: { minimum: 500, precise: 300 } }), coded(/targets\.precise/));
  assert.throws(() => computeDifferential({}, { blastThresholds: [0] }), coded(/blastThresholds/));
  assert.throws(() => computeDifferential({}, { meConvention: 'nope' as never }), coded(/meConvention/));
});

test('under every blast definition, every counted class lands in a counted row and every other class outside the NDC', () => {
  for (const [name, definition] of Object.entries(BLAST_DEFINITIONS)) {
    for (const cls of CELL_CLASSES) {
      const category = categoryOf(cls.code, definition);
      assert.equal((COUNTED_CATEGORIES as readonly string[]).includes(category), cls.counted, `${name}: ${cls.code} → ${category}`);
    }
    // One of each class: the NDC is exactly the number of counted classes.
    const d = computeDifferential(Object.fromEntries(CELL_CLASSES.map((c) => [c.code, 1])), { blastDefinition: definition });
    assert.equal(d.ndcTotal, CELL_CLASSES.filter((c) => c.counted).length, name);
    assert.equal(d.excluded.reduce((s, r) => s + r.count, 0), CELL_CLASSES.filter((c) => !c.counted).length, name);
  }
});
