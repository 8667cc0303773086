import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDifferential, meRatio } from '../../../electron/shared/domain/differential/index.js';

// Granulocytic: M1 5 + M2 10 + M3 20 + M4 25 + M5 40 + M6 80 + E1 3 + E4 7 + B2 2 = 192.
// Monocytic: MO2 16 + PMO 2 = 18. Erythroid: ER1 4 + ER2 16 + ER3 30 + ER4 14 + ER 6 = 70.
// Not in M or E: L2 60, L4 2, B1 1 (mast cells are not granulocytes), ER6 100 (no nucleus), PL2 4.
const COUNTS = new Map<string, number>(Object.entries({
  M1: 5, M2: 10, M3: 20, M4: 25, M5: 40, M6: 80, E1: 3, E4: 7, B2: 2,
  MO2: 16, PMO: 2, ER1: 4, ER2: 16, ER3: 30, ER4: 14, ER: 6, L2: 60, L4: 2, B1: 1, ER6: 100, PL2: 4,
}));

test('ICSH convention includes the monocytic series', () => {
  const r = meRatio(COUNTS, 'icsh-with-monocytes');
  assert.equal(r.myeloid, 210);
  assert.equal(r.erythroid, 70);
  assert.equal(r.ratio, 3);
  assert.equal(r.display, '3.0:1');
  assert.equal(r.convention, 'icsh-with-monocytes');
});

test('without-monocytes convention leaves the monocytic series out', () => {
  const r = meRatio(COUNTS, 'without-monocytes');
  assert.equal(r.myeloid, 192);
  assert.equal(r.ratio, 192 / 70);
  assert.equal(r.display, '2.7:1');
});

test('no erythroid precursors: the ratio is undefined, not Infinity', () => {
  const r = meRatio(new Map([['M6', 10]]), 'icsh-with-monocytes');
  assert.equal(r.ratio, null);
  assert.match(r.display, /not defined/);
});

test('the differential names its convention and carries the reference range', () => {
  const d = computeDifferential(COUNTS, { meConvention: 'without-monocytes' });
  assert.equal(d.meRatio.convention, 'without-monocytes');
  assert.equal(d.meRatio.myeloid, 192);
  assert.deepEqual(d.meRatio.referenceRange, { low: 2, high: 4 });
});
