import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionScores, matchPoints } from '../../../electron/core/detect/matchPoints.js';

test('matchPoints pairs within the radius, one to one, closest first', () => {
  const truths = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
  ];
  const dets = [
    { x: 1, y: 0 }, // near truth 0
    { x: 0.5, y: 0 }, // nearer truth 0: wins it
    { x: 30, y: 0 }, // near nothing
  ];
  const m = matchPoints(dets, truths, 5);
  assert.deepEqual(
    m.pairs.map(([d, t]) => [d, t]),
    [[1, 0]],
  );
  assert.deepEqual(m.unmatchedDetections, [0, 2]);
  assert.deepEqual(m.unmatchedTruths, [1]);
});

test('matchPoints counts a pair exactly at the radius and none beyond', () => {
  assert.equal(matchPoints([{ x: 3, y: 4 }], [{ x: 0, y: 0 }], 5).pairs.length, 1);
  assert.equal(matchPoints([{ x: 3, y: 4.001 }], [{ x: 0, y: 0 }], 5).pairs.length, 0);
});

test('matchPoints: a greedy pass still pairs two detections with two nearby truths', () => {
  const m = matchPoints(
    [
      { x: 0, y: 0 },
      { x: 4, y: 0 },
    ],
    [
      { x: 1, y: 0 },
      { x: 5, y: 0 },
    ],
    5,
  );
  assert.equal(m.pairs.length, 2);
  assert.deepEqual(m.unmatchedTruths, []);
});

test('matchPoints handles empty inputs and rejects a negative radius', () => {
  assert.deepEqual(matchPoints([], [{ x: 0, y: 0 }], 5).unmatchedTruths, [0]);
  assert.deepEqual(matchPoints([{ x: 0, y: 0 }], [], 5).unmatchedDetections, [0]);
  assert.throws(() => matchPoints([], [], -1), RangeError);
});

test('detectionScores computes recall, precision and F1, NaN when undefined', () => {
  const s = detectionScores(9, 10, 12);
  assert.equal(s.recall, 0.9);
  assert.equal(s.precision, 0.75);
  assert.ok(Math.abs(s.f1 - (2 * 0.9 * 0.75) / 1.65) < 1e-12);
  assert.ok(Number.isNaN(detectionScores(0, 0, 3).recall));
  assert.ok(Number.isNaN(detectionScores(0, 3, 0).precision));
});
