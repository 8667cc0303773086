import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateBatch, aggregateMembers, argmax, entropy, softmax } from '../../../electron/core/infer/aggregate.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('softmax of [0, ln 3] is [1/4, 3/4]; temperature 2 gives [1, √3]/(1 + √3)', () => {
  const p = softmax([0, Math.log(3)]);
  close(p[0]!, 0.25);
  close(p[1]!, 0.75);
  const t = softmax([0, Math.log(3)], 2);
  close(t[0]!, 1 / (1 + Math.sqrt(3)));
  close(t[1]!, Math.sqrt(3) / (1 + Math.sqrt(3)));
});

test('softmax does not overflow on large logits', () => {
  const p = softmax([1000, 0, -1000]);
  assert.deepEqual(Array.from(p), [1, 0, 0]);
});

test('entropy: ln 2 for a fair coin, 0 for a certainty; argmax takes the first of a tie', () => {
  close(entropy([0.5, 0.5]), Math.log(2));
  assert.equal(entropy([1, 0, 0]), 0);
  assert.equal(argmax([0.2, 0.4, 0.4]), 1);
});

test('two members that disagree: mean [1/2, 1/2], MI = ln 2 − H(3/4, 1/4), agreement 1/2, margin 0', () => {
  const p = aggregateMembers([[Math.log(3), 0], [0, Math.log(3)]], 1, ['A', 'B']);
  close(p.probabilities[0]!, 0.5);
  close(p.probabilities[1]!, 0.5);
  assert.equal(p.classIndex, 0);
  assert.equal(p.code, 'A');
  close(p.entropy, Math.log(2));
  const hMember = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
  close(p.mutualInformation, Math.log(2) - hMember);
  assert.equal(p.agreement, 0.5);
  close(p.margin, 0);
  assert.deepEqual(p.memberVotes, [0, 1]);
});

test('three members, temperature 2: mean [5/12, 4/12, 3/12], agreement 2/3, margin 1/12', () => {
  // Logits 2·ln 2 at T = 2 give softmax over [ln 2, 0, 0] = [1/2, 1/4, 1/4].
  const l = 2 * Math.log(2);
  const p = aggregateMembers([[l, 0, 0], [l, 0, 0], [0, l, 0]], 2, ['X', 'Y', 'Z']);
  const mean = [5 / 12, 4 / 12, 3 / 12];
  mean.forEach((v, i) => close(p.probabilities[i]!, v));
  assert.equal(p.code, 'X');
  close(p.probability, 5 / 12);
  close(p.margin, 1 / 12);
  assert.equal(p.agreement, 2 / 3);
  const hMean = -mean.reduce((a, v) => a + v * Math.log(v), 0);
  close(p.entropy, hMean);
  close(p.mutualInformation, hMean - 1.5 * Math.log(2)); // each member: H(1/2, 1/4, 1/4) = 1.5 ln 2
});

test('identical members: mutual information 0 and full agreement', () => {
  const p = aggregateMembers([[1, 2, 3], [1, 2, 3]], 1.5, ['A', 'B', 'C']);
  assert.equal(p.mutualInformation, 0);
  assert.equal(p.agreement, 1);
  assert.equal(p.code, 'C');
});

test('aggregateBatch slices each member output per cell', () => {
  const m1 = new Float32Array([0, 5, 5, 0]);
  const m2 = new Float32Array([0, 5, 0, 5]);
  const out = aggregateBatch([m1, m2], 2, 1, ['A', 'B']);
  assert.deepEqual(out.map((p) => p.code), ['B', 'A']);
  assert.equal(out[0]!.agreement, 1);
  assert.equal(out[1]!.agreement, 0.5);
});

test('a member with the wrong number of logits is rejected', () => {
  assert.throws(() => aggregateMembers([[1, 2]], 1, ['A', 'B', 'C']), RangeError);
});
