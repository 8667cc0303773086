import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDifferential, countProgress } from '../../../electron/shared/domain/differential/index.js';

test('progress toward the 300/500-cell ICSH targets', () => {
  const t = { minimum: 300, precise: 500 };
  assert.equal(countProgress(0, t).status, 'below-minimum');
  assert.equal(countProgress(299, t).status, 'below-minimum');
  assert.equal(countProgress(299, t).remainingToMinimum, 1);
  assert.equal(countProgress(300, t).status, 'minimum-reached');
  assert.equal(countProgress(300, t).remainingToMinimum, 0);
  assert.equal(countProgress(499, t).remainingToPrecise, 1);
  assert.equal(countProgress(500, t).status, 'precise-reached');
  assert.equal(countProgress(250, t).fractionOfPrecise, 0.5);
  assert.equal(countProgress(900, t).fractionOfPrecise, 1);
  assert.equal(countProgress(900, t).remainingToPrecise, 0);
});

test('progress counts NDC cells only, not excluded objects', () => {
  const d = computeDifferential({ M6: 290, ER6: 500, U1: 40, PL2: 10 });
  assert.equal(d.progress.counted, 290);
  assert.equal(d.progress.status, 'below-minimum');
  assert.equal(d.progress.remainingToMinimum, 10);
  const custom = computeDifferential({ M6: 200 }, { targets: { minimum: 100, precise: 200 } });
  assert.equal(custom.progress.status, 'precise-reached');
});
