import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateGlass, nuclearStain, toRgb } from '../../../electron/core/detect/nuclearStain.js';

test('nuclear stain is high for purple chromatin and low for pink red cells and glass', () => {
  // Class medians measured on TXL-PBC (PBC source): glass, red cell, nucleus.
  const rgb = new Uint8Array([254, 228, 202, 206, 168, 167, 70, 25, 133]);
  const glass = { r: 254, g: 228, b: 202 };
  const [g, rbc, nuc] = nuclearStain(rgb, 3, glass);
  assert.ok(Math.abs(g!) < 1e-6);
  assert.ok(rbc! < 0.2, `red cell ${rbc}`);
  assert.ok(nuc! > 1.2, `nucleus ${nuc}`);
});

test('the channel ignores overall brightness (a ratio), not hue', () => {
  const glass = { r: 240, g: 240, b: 240 };
  const [a, b] = nuclearStain(new Uint8Array([100, 40, 160, 50, 20, 80]), 2, glass);
  assert.ok(Math.abs(a! - b!) < 0.03);
});

test('estimateGlass returns the colour of the brightest pixels', () => {
  const n = 100;
  const rgb = new Uint8Array(n * 3).fill(90);
  for (let i = 0; i < 10; i++) rgb.set([230, 220, 210], i * 3);
  assert.deepEqual(estimateGlass(rgb, n), { r: 230, g: 220, b: 210 });
});

test('toRgb composites RGBA over white and passes RGB through', () => {
  const rgba = new Uint8Array([10, 20, 30, 255, 0, 0, 0, 0, 100, 100, 100, 128]);
  assert.deepEqual([...toRgb(rgba, 3, 4)], [10, 20, 30, 255, 255, 255, 177, 177, 177]);
  const rgb = new Uint8Array([1, 2, 3]);
  assert.equal(toRgb(rgb, 1, 3), rgb);
});
