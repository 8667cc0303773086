import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics, expectedCalibrationError, rocAuc } from '../../../electron/core/infer/metrics.js';

const close = (a: number | null, b: number, tol = 1e-12) => assert.ok(a !== null && Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('AUC: perfect separation is 1, reversed is 0, all tied is 1/2', () => {
  close(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]), 1);
  close(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true]), 0);
  close(rocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true]), 0.5);
});

test('AUC with ties counts tied positive/negative pairs as one half', () => {
  // Positives 0.5, 0.9; negatives 0.1, 0.5. Pairs: (0.5 vs 0.1) 1, (0.5 vs 0.5) ½, (0.9 vs 0.1) 1, (0.9 vs 0.5) 1 → 3.5/4.
  close(rocAuc([0.5, 0.9, 0.1, 0.5], [true, true, false, false]), 0.875);
});

test('AUC is undefined without positives or without negatives', () => {
  assert.equal(rocAuc([0.1, 0.2], [false, false]), null);
  assert.equal(rocAuc([0.1, 0.2], [true, true]), null);
});

test('ECE: hand-computed over 15 bins (lower, upper]', () => {
  // Bin 14 (14/15, 1]: confidences 0.95, 1.0, accuracy 1/2 → |0.5 − 0.975| = 0.475, weight 2/4.
  // Bin 8 (8/15, 9/15]: confidences 0.55, 0.6 (0.6 = 9/15 lies on the upper edge), accuracy 1 → |1 − 0.575| = 0.425, weight 2/4.
  const r = expectedCalibrationError([0.95, 1.0, 0.55, 0.6], [true, false, true, true]);
  close(r.ece, 0.5 * 0.475 + 0.5 * 0.425, 1e-12);
  assert.equal(r.bins.length, 15);
  assert.equal(r.bins[14]!.count, 2);
  assert.equal(r.bins[8]!.count, 2);
  assert.equal(r.bins.reduce((a, b) => a + b.count, 0), 4);
});

test('ECE is 0 when confidence equals accuracy in every bin', () => {
  const r = expectedCalibrationError([0.5, 0.5, 1, 1], [true, false, true, true]);
  close(r.ece, 0);
});

test('accuracy, balanced accuracy, macro F1, per-class scores and confusion on a hand-computed case', () => {
  // Truth: A A A A B B C ; predicted: A A A B B A C (5/7 correct).
  const labels = ['A', 'B', 'C'];
  const truth = [0, 0, 0, 0, 1, 1, 2];
  const predicted = [0, 0, 0, 1, 1, 0, 2];
  const scores = predicted.map((p) => labels.map((_, k) => (k === p ? 0.8 : 0.1)));
  const m = classificationMetrics({ labels, truth, predicted, scores, confidence: predicted.map(() => 0.8) });
  close(m.accuracy, 5 / 7);
  // Recall A 3/4, B 1/2, C 1 → balanced accuracy (0.75 + 0.5 + 1)/3 = 0.75.
  close(m.balancedAccuracy, 0.75);
  // Precision A 3/4, B 1/2, C 1; F1 A 0.75, B 0.5, C 1 → macro 0.75.
  const [a, b, c] = m.perClass;
  close(a!.precision, 0.75);
  close(b!.precision, 0.5);
  close(c!.f1, 1);
  close(m.macroF1, 0.75);
  assert.deepEqual(m.confusion, [
    [3, 1, 0],
    [1, 1, 0],
    [0, 0, 1],
  ]);
  assert.deepEqual(m.perClass.map((p) => p.support), [4, 2, 1]);
  close(m.ece, Math.abs(5 / 7 - 0.8));
});

test('classes without samples do not dilute balanced accuracy; a class only predicted counts in macro F1', () => {
  const labels = ['A', 'B', 'C'];
  const m = classificationMetrics({
    labels,
    truth: [0, 0],
    predicted: [0, 2],
    scores: [
      [0.9, 0, 0.1],
      [0.4, 0, 0.6],
    ],
    confidence: [0.9, 0.6],
  });
  close(m.balancedAccuracy, 0.5); // only A has support
  // A: P 1, R 0.5, F1 2/3; C: predicted once, wrong → F1 0; B absent everywhere → left out.
  close(m.macroF1, (2 / 3 + 0) / 2);
  assert.equal(m.perClass[1]!.auc, null);
});
