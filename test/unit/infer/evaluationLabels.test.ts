import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluationLabels, groupPrediction, mapTruth, OTHER_LABEL } from '../../../electron/core/infer/evaluationLabels.js';
import { aggregateMembers } from '../../../electron/core/infer/aggregate.js';

const codes = ['B2', 'M5', 'M6', 'L2', 'U1'];
const coarse = { B2: 'basophil', M5: 'neutrophil', M6: 'neutrophil', L2: 'lymphocyte' };

test('without a prediction map the labels are the class codes', () => {
  assert.deepEqual(evaluationLabels(codes), { labels: codes, groupOf: [0, 1, 2, 3, 4] });
});

test('a prediction map groups classes in class order and sends unmapped classes to OTHER', () => {
  const l = evaluationLabels(codes, coarse);
  assert.deepEqual(l.labels, ['basophil', 'neutrophil', 'lymphocyte', OTHER_LABEL]);
  assert.deepEqual(l.groupOf, [0, 1, 1, 2, 3]);
});

test('truth labels: mapped, unmapped, not evaluated, and mapped through the prediction map too', () => {
  const fine = evaluationLabels(codes);
  const map = { SNE: 'M6', BA: 'B2', XX: 'Q9' };
  assert.deepEqual(mapTruth('SNE', fine, map), { index: 2 });
  assert.deepEqual(mapTruth('IG', fine, map), { excluded: 'unmapped', label: 'IG' });
  assert.deepEqual(mapTruth('XX', fine, map), { excluded: 'notEvaluated', label: 'Q9' });
  const c = evaluationLabels(codes, coarse);
  assert.deepEqual(mapTruth('SNE', c, map, coarse), { index: 1 });
  assert.deepEqual(mapTruth('neutrophil', c, undefined, coarse), { index: 1 });
  assert.deepEqual(mapTruth(OTHER_LABEL, c), { excluded: 'notEvaluated', label: OTHER_LABEL });
});

test('grouped prediction sums probabilities per label and keeps the predicted class\'s group', () => {
  const l = evaluationLabels(codes, coarse);
  const p = aggregateMembers([[0, Math.log(3), Math.log(2), 0, 0]], 1, codes); // probabilities [1,3,2,1,1]/8
  const g = groupPrediction(p, l);
  assert.equal(g.predicted, 1);
  const expected = [1 / 8, 5 / 8, 1 / 8, 1 / 8];
  g.scores.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12));
  assert.ok(Math.abs(g.confidence - 5 / 8) < 1e-12);
});
