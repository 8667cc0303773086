import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blastThresholdFlags,
  cellsToResolve,
  computeDifferential,
  straddles,
  wilsonIntervalAt,
  Z_95,
} from '../../../electron/shared/domain/differential/index.js';

const thresholdsOf = (blasts: number, n: number): number[] => blastThresholdFlags(blasts, n, [5, 10, 20], Z_95).map((f) => f.thresholdPercent);

test('20% blasts on 200 and on 500 cells both straddle 20% (DOMAIN.md)', () => {
  assert.deepEqual(thresholdsOf(40, 200), [20]);
  assert.deepEqual(thresholdsOf(100, 500), [20]);
});

test('flags only the thresholds the interval contains', () => {
  assert.deepEqual(thresholdsOf(0, 500), []); // 0–0.8%
  assert.deepEqual(thresholdsOf(3, 100), [5]); // 3%: 1.0–8.5%
  assert.deepEqual(thresholdsOf(7, 100), [5, 10]); // 7%: 3.4–13.7%
  assert.deepEqual(thresholdsOf(15, 500), []); // 3%: 1.8–4.9%
  assert.deepEqual(thresholdsOf(2, 20), [5, 10, 20]); // 10% of 20: 2.8–30.1%
  assert.deepEqual(thresholdsOf(60, 300), [20]); // 20%: 15.9–24.9%
  assert.deepEqual(thresholdsOf(45, 300), []); // 15%: 11.4–19.5%
});

test('no count, no flags; custom thresholds are honoured', () => {
  assert.deepEqual(blastThresholdFlags(0, 0, [5, 10, 20], Z_95), []);
  assert.deepEqual(blastThresholdFlags(3, 100, [2], Z_95).map((f) => f.thresholdPercent), [2]);
});

test('straddles is inclusive at the ends', () => {
  assert.equal(straddles({ low: 5, high: 9 }, 5), true);
  assert.equal(straddles({ low: 1, high: 5 }, 5), true);
  assert.equal(straddles({ low: 5.01, high: 9 }, 5), false);
});

test('cellsToResolve is the smallest n whose interval clears the threshold (checked by brute force)', () => {
  for (const [p, t] of [
    [0.2, 20.5],
    [0.07, 5],
    [0.12, 10],
    [0.17, 20],
  ] as const) {
    const n = cellsToResolve(p, t, 100, Z_95);
    assert.ok(n !== null);
    assert.equal(straddles(wilsonIntervalAt(p, n, Z_95), t), false, `clears at n=${n}`);
    let first = -1;
    for (let m = 100; m <= n; m++) {
      if (!straddles(wilsonIntervalAt(p, m, Z_95), t)) {
        first = m;
        break;
      }
    }
    assert.equal(first, n, `p=${p} t=${t}`);
  }
  assert.equal(cellsToResolve(0.2, 20, 200, Z_95), null); // on the threshold: never resolves
  assert.equal(cellsToResolve(0.01, 20, 300, Z_95), 300); // already clear
});

test('each flag says how many cells would resolve it, and the differential carries the flags', () => {
  const d = computeDifferential({ M1: 21, M6: 279 }); // 7% of 300: 4.6–10.5%
  assert.deepEqual(d.flags.map((f) => f.thresholdPercent), [5, 10]);
  const f5 = d.flags[0];
  assert.ok(f5 && f5.cellsToResolve !== null && f5.cellsToResolve > 300);
  assert.match(f5.message, /Blasts 7\.0% .* 300 cells straddle the 5% threshold/);
  assert.match(f5.message, new RegExp(`${f5.cellsToResolve - 300} more`));
  const onIt = computeDifferential({ M1: 60, M6: 240 }); // exactly 20%
  assert.equal(onIt.flags[0]?.cellsToResolve, null);
  assert.match(onIt.flags[0]?.message ?? '', /second observer/);
});
