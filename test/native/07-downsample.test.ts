// downsampleRgba, which makes the levels OpenSlide 3.4.1 cannot decode: pure pixel arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleRgba } from '../../native/lib/downsampleRgba.js';

const px = (...values: number[][]) => Buffer.from(values.flat());

test('ratio 1 returns the same pixels', () => {
  const src = px([1, 2, 3, 255], [4, 5, 6, 255], [7, 8, 9, 0], [10, 11, 12, 128]);
  // Fully transparent pixels come back as 0,0,0,0 (straight RGBA convention), others unchanged.
  assert.deepEqual([...downsampleRgba(src, 2, 2, 2, 2, 1)], [1, 2, 3, 255, 4, 5, 6, 255, 0, 0, 0, 0, 10, 11, 12, 128]);
});

test('ratio 2 averages 2×2 blocks', () => {
  const src = px([0, 0, 0, 255], [100, 100, 100, 255], [200, 0, 0, 255], [200, 0, 0, 255], [20, 40, 60, 255], [20, 40, 60, 255], [0, 0, 200, 255], [0, 0, 200, 255]);
  assert.deepEqual([...downsampleRgba(src, 4, 2, 2, 1, 2)], [35, 45, 55, 255, 100, 0, 100, 255]);
});

test('colour is weighted by alpha: transparent pixels past the edge do not darken it', () => {
  const src = px([200, 100, 50, 255], [0, 0, 0, 0], [200, 100, 50, 255], [0, 0, 0, 0]);
  assert.deepEqual([...downsampleRgba(src, 2, 2, 1, 1, 2)], [200, 100, 50, 128]);
  assert.deepEqual([...downsampleRgba(Buffer.alloc(16), 2, 2, 1, 1, 2)], [0, 0, 0, 0]);
});

test('non-integer ratios and outputs larger than the source stay in bounds', () => {
  const src = Buffer.alloc(5 * 3 * 4, 255);
  const out = downsampleRgba(src, 5, 3, 2, 2, 2.5);
  assert.equal(out.length, 16);
  assert.ok(out.every((b) => b === 255));
});
