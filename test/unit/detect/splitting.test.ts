import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chamferDistance, labelComponents } from '../../../electron/core/detect/binaryMorphology.js';
import { pickSeeds } from '../../../electron/core/detect/pickSeeds.js';
import { growBreadthFirst, seededWatershed } from '../../../electron/core/detect/seededWatershed.js';
import { mergeLobes, mergeShallowSplits } from '../../../electron/core/detect/mergeRegions.js';

const W = 60;
const H = 30;

function discs(centres: readonly (readonly [number, number, number])[]): Uint8Array {
  const m = new Uint8Array(W * H);
  for (const [cx, cy, r] of centres) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) m[y * W + x] = 255;
  return m;
}

function split(mask: Uint8Array, minDistance = 6) {
  const dist = chamferDistance(mask, W, H, true);
  const blobs = labelComponents(mask, W, H, 8);
  const seeds = pickSeeds(dist, blobs.labels, W, H, blobs.count, { minRadius: 4, minDistance, peakFraction: 0.5 });
  const labels = new Int32Array(W * H);
  seeds.forEach((s, i) => (labels[s.y * W + s.x] = i + 1));
  seededWatershed(labels, dist, mask, W, H);
  const peaks = new Float32Array(seeds.length + 1);
  seeds.forEach((s, i) => (peaks[i + 1] = s.depth));
  return { seeds, labels, dist, peaks };
}

test('two touching discs get two seeds and the watershed cuts at the neck', () => {
  const mask = discs([
    [18, 15, 9],
    [33, 15, 9],
  ]);
  const { seeds, labels } = split(mask);
  assert.equal(seeds.length, 2);
  const left = labels[15 * W + 12]!;
  const right = labels[15 * W + 40]!;
  assert.ok(left > 0 && right > 0 && left !== right);
  // Every mask pixel is labelled, and the cut lies near the neck (x ≈ 25.5).
  for (let i = 0; i < W * H; i++) assert.equal(mask[i] ? labels[i]! > 0 : labels[i] === 0, true);
  for (let x = 0; x < W; x++) if (labels[15 * W + x] === right) assert.ok(x >= 24, `right region reaches x=${x}`);
});

test('a single disc gets one seed, so it is never split', () => {
  const { seeds } = split(discs([[30, 15, 10]]));
  assert.equal(seeds.length, 1);
});

test('every blob gets a seed, even one too small to pass the depth rule', () => {
  const { seeds } = split(discs([[10, 10, 2]]));
  assert.equal(seeds.length, 1);
});

test('mergeShallowSplits merges a notch but keeps a real neck', () => {
  // Strongly overlapping discs (centres 6 px apart, r = 9): one lumpy nucleus.
  const lumpy = split(
    discs([
      [26, 15, 9],
      [32, 15, 9],
    ]),
    4,
  );
  if (lumpy.seeds.length === 2) {
    const merged = mergeShallowSplits(lumpy.labels, lumpy.dist, lumpy.peaks, W, H, 0.75);
    assert.equal(merged.count - 1, 1);
  }
  const two = split(
    discs([
      [18, 15, 9],
      [33, 15, 9],
    ]),
  );
  const kept = mergeShallowSplits(two.labels, two.dist, two.peaks, W, H, 0.75);
  assert.equal(kept.count - 1, 2);
});

test('mergeShallowSplits uses the deep-peak fraction only from minPeak', () => {
  const two = split(
    discs([
      [20, 15, 8],
      [32, 15, 8],
    ]),
  );
  assert.equal(two.seeds.length, 2);
  const shallower = Math.min(two.peaks[1]!, two.peaks[2]!);
  // Fraction 0 merges any adjacent pair; the deep-peak rule (fraction 1) keeps them apart, but only when it applies.
  assert.equal(mergeShallowSplits(two.labels, two.dist, two.peaks, W, H, 0).count - 1, 1);
  assert.equal(mergeShallowSplits(two.labels, two.dist, two.peaks, W, H, 0, { minPeak: shallower - 0.5, fraction: 1 }).count - 1, 2);
  assert.equal(mergeShallowSplits(two.labels, two.dist, two.peaks, W, H, 0, { minPeak: shallower + 0.5, fraction: 1 }).count - 1, 1);
});

test('mergeLobes joins a group only while its total area stays under the limit', () => {
  const labels = Int32Array.from([1, 1, 0, 2, 2, 0, 3]);
  const areas = new Float64Array([0, 2, 2, 1]);
  const group = Int32Array.from([0, 7, 7, 7]);
  assert.equal(mergeLobes(labels, 4, areas, group, 10).count - 1, 1);
  assert.equal(mergeLobes(labels, 4, areas, group, 4).count - 1, 3);
});

test('growBreadthFirst stops after maxSteps and lets the first label win', () => {
  const labels = new Int32Array(10);
  labels[0] = 1;
  labels[9] = 2;
  growBreadthFirst(labels, new Uint8Array(10).fill(1), 10, 1, 3);
  assert.deepEqual([...labels], [1, 1, 1, 1, 0, 0, 2, 2, 2, 2]);
});
