import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutCrop } from '../../../electron/core/analysis/cutCrop.js';
import type { RegionCanvas } from '../../../electron/core/analysis/RegionCanvas.js';

/** A canvas whose pixel (x, y) is RGB (x, y, 7): every crop pixel says where it came from. */
function coordinateCanvas(width: number, height: number, originX = 0, originY = 0, scale = 1): RegionCanvas {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  return { data, width, height, originX, originY, scale, micronsPerPixel: 0.25 };
}

function px(crop: Uint8Array, size: number, x: number, y: number): number[] {
  return Array.from(crop.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));
}

test('a crop in the middle copies the window centred on the point', () => {
  const crop = cutCrop(coordinateCanvas(100, 100), 50, 60, 8);
  assert.deepEqual(px(crop, 8, 0, 0), [46, 56, 7]);
  assert.deepEqual(px(crop, 8, 7, 7), [53, 63, 7]);
});

test('a crop at the edge is padded with white, not shifted', () => {
  const crop = cutCrop(coordinateCanvas(100, 100), 1, 2, 8);
  assert.deepEqual(px(crop, 8, 0, 0), [255, 255, 255]);
  assert.deepEqual(px(crop, 8, 2, 2), [255, 255, 255]);
  assert.deepEqual(px(crop, 8, 3, 1), [255, 255, 255]);
  assert.deepEqual(px(crop, 8, 3, 2), [0, 0, 7]);
  assert.deepEqual(px(crop, 8, 3, 3), [0, 1, 7]);
  assert.deepEqual(px(crop, 8, 7, 7), [4, 5, 7]);
});

test('origin and scale map level-0 centres into the canvas', () => {
  // Canvas starts at level-0 (1000, 2000), 2 level-0 px per canvas px: level-0 (1100, 2100) is canvas (50, 50).
  const crop = cutCrop(coordinateCanvas(100, 100, 1000, 2000, 2), 1100, 2100, 4);
  assert.deepEqual(px(crop, 4, 0, 0), [48, 48, 7]);
});

test('a point far outside gives an all-pad crop', () => {
  const crop = cutCrop(coordinateCanvas(10, 10), 500, 500, 4, [1, 2, 3]);
  assert.deepEqual(px(crop, 4, 2, 2), [1, 2, 3]);
});
