import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suppressNonMaxima } from '../../../electron/core/regions/suppressNonMaxima.js';

const box = (x: number, y: number, score: number, name: string) => ({ rect: { x, y, width: 512, height: 512 }, score, name });

test('NMS keeps the best, drops overlapping and too-close boxes, respects the limit', () => {
  const items = [box(0, 0, 0.9, 'a'), box(256, 0, 0.95, 'b'), box(512, 0, 0.5, 'c'), box(4096, 0, 0.8, 'd'), box(8192, 0, 0.1, 'e')];
  assert.deepEqual(
    suppressNonMaxima(items, { limit: 10 }).map((i) => i.name),
    ['b', 'd', 'e'],
    'a and c overlap b',
  );
  assert.deepEqual(
    suppressNonMaxima(items, { limit: 10, maxIoU: 0.5 }).map((i) => i.name),
    ['b', 'a', 'd', 'c', 'e'],
    'a/b IoU is 1/3 and b/c 1/3: allowed at 0.5',
  );
  assert.deepEqual(
    suppressNonMaxima(items, { limit: 10, minCentreDistance: 5000 }).map((i) => i.name),
    ['b', 'e'],
  );
  assert.deepEqual(
    suppressNonMaxima(items, { limit: 2 }).map((i) => i.name),
    ['b', 'd'],
  );
});

test('NMS is independent of input order (ties broken by position)', () => {
  const items = [box(1024, 0, 0.5, 'right'), box(0, 1024, 0.5, 'below'), box(0, 0, 0.5, 'origin')];
  const a = suppressNonMaxima(items, { limit: 3 }).map((i) => i.name);
  const b = suppressNonMaxima([...items].reverse(), { limit: 3 }).map((i) => i.name);
  assert.deepEqual(a, ['origin', 'right', 'below']);
  assert.deepEqual(b, a);
});
