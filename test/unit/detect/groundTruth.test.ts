import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTxlWhiteCells, txlSourceOf } from '../../../electron/core/detect/groundTruth.js';

test('readTxlWhiteCells keeps class-0 box centres in pixels and skips other classes and junk', () => {
  const text = '0 0.5 0.25 0.2 0.2\n1 0.1 0.1 0.05 0.05\n2 0.9 0.9 0.01 0.01\n\nnot a line\n0 0.1 0.9 0.1 0.1\r\n';
  assert.deepEqual(readTxlWhiteCells(text, 400, 200), [
    { x: 200, y: 50 },
    { x: 40, y: 180 },
  ]);
});

test('txlSourceOf recognises each source by image size', () => {
  assert.equal(txlSourceOf(575, 575).micronsPerPixel, 0.06);
  assert.equal(txlSourceOf(366, 369).name, txlSourceOf(360, 363).name);
  assert.equal(txlSourceOf(640, 480).micronsPerPixel, 0.077);
  assert.throws(() => txlSourceOf(100, 100), /No TXL-PBC source/);
});
