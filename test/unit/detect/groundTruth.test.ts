import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { readPlasmaCells, readTxlWhiteCells, txlSourceOf } from '../../../electron/core/detect/groundTruth.js';

test('readTxlWhiteCells keeps class-0 box centres in pixels and skips other classes and junk', () => {
  const text = '0 0.5 0.25 0.2 0.2\n1 0.1 0.1 0.05 0.05\n2 0.9 0.9 0.01 0.01\n\nnot a line\n0 0.1 0.9 0.1 0.1\r\n';
  assert.deepEqual(readTxlWhiteCells(text, 400, 200), [
    { x: 200, y: 50 },
    { x: 40, y: 180 },
  ]);
});

test('readTxlWhiteCells counts a box repeated with identical numbers once, but keeps distinct boxes at the same centre', () => {
  const text = '0 0.5 0.5 0.3 0.3\n0 0.5 0.5 0.3 0.3\n0 0.5 0.5 0.3 0.3\n0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.3 0.3\n';
  assert.deepEqual(readTxlWhiteCells(text, 100, 100), [
    { x: 50, y: 50 },
    { x: 50, y: 50 },
  ]);
});

test('txlSourceOf recognises each source by image size', () => {
  assert.equal(txlSourceOf(575, 575).micronsPerPixel, 0.06);
  assert.equal(txlSourceOf(366, 369).name, txlSourceOf(360, 363).name);
  assert.equal(txlSourceOf(640, 480).micronsPerPixel, 0.077);
  assert.throws(() => txlSourceOf(100, 100), /No TXL-PBC source/);
});

test('readPlasmaCells: a component of two touching cells is one truth holding 2 cells, or two truths when split', async () => {
  const W = 200;
  const H = 120;
  const px = Buffer.alloc(W * H);
  const disc = (cx: number, cy: number, r: number): void => {
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) px[y * W + x] = 255;
  };
  // At 0.2 µm/px: two 6 µm-radius cells whose edges overlap, and one apart.
  disc(40, 60, 30);
  disc(95, 60, 30);
  disc(165, 60, 25);
  const dir = mkdtempSync(join(tmpdir(), 'segpc-'));
  const file = join(dir, 'mask.png');
  await sharp(px, { raw: { width: W, height: H, channels: 1 } }).png().toFile(file);
  try {
    const components = await readPlasmaCells(file);
    assert.equal(components.length, 2);
    const pair = components.find((c) => c.x < 130)!;
    const single = components.find((c) => c.x > 130)!;
    assert.equal(pair.cellsInComponent, 2);
    assert.ok(Math.abs(pair.x - 68) < 2, `pair centroid x ${pair.x}`);
    assert.equal(single.cellsInComponent, 1);
    const split = await readPlasmaCells(file, { splitTouching: true });
    assert.equal(split.length, 3);
    assert.deepEqual(split.map((c) => c.cellsInComponent).sort(), [1, 2, 2]);
    assert.ok(split.some((c) => Math.abs(c.x - 40) < 4) && split.some((c) => Math.abs(c.x - 95) < 4), JSON.stringify(split));
    // A point inside the pair's left cell hits the pair's component, though it is 28 px (5.6 µm) from
    // its centroid; a point on the glass between components hits nothing.
    const points = [{ x: 40, y: 60 }, { x: 130, y: 10 }];
    const hits = await readPlasmaCells(file, { points });
    assert.deepEqual(hits.map((c) => [c.x < 130, c.hitBy]), components.map((c) => [c.x < 130, c.x < 130]));
    // Split, the same point hits only the left cell of the pair.
    const splitHits = await readPlasmaCells(file, { points, splitTouching: true });
    assert.deepEqual(splitHits.filter((c) => c.hitBy).map((c) => Math.abs(c.x - 40) < 4), [true]);
    assert.equal((await readPlasmaCells(file)).every((c) => c.hitBy === undefined), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
