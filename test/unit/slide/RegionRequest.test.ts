import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_REGION_PIXELS, validateRegion } from '../../../electron/shared/domain/RegionRequest.js';
import { validateTileRequest } from '../../../electron/shared/domain/TileRequest.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

const LEVELS = [
  { index: 0, width: 300, height: 250, downsample: 1 },
  { index: 1, width: 150, height: 125, downsample: 2 },
];

const failsWith = (pattern: RegExp) => (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && pattern.test(e.message);

test('validateRegion accepts an in-range region, including one past the slide edge', () => {
  assert.deepEqual(validateRegion({ x: 0, y: 0, width: 10, height: 10, level: 1 }, LEVELS), { x: 0, y: 0, width: 10, height: 10, level: 1 });
  assert.deepEqual(validateRegion({ x: 290, y: 240, width: 64, height: 64, level: 0 }, LEVELS).width, 64);
});

test('validateRegion names the bad field and the received value', () => {
  assert.throws(() => validateRegion({ x: -3, y: 0, width: 1, height: 1, level: 0 }, LEVELS), failsWith(/region\.x but received -3/));
  assert.throws(() => validateRegion({ x: 0, y: 0, width: 0, height: 1, level: 0 }, LEVELS), failsWith(/region\.width but received 0/));
  assert.throws(() => validateRegion({ x: 0, y: 0.5, width: 1, height: 1, level: 0 }, LEVELS), failsWith(/region\.y/));
  assert.throws(() => validateRegion({ x: 0, y: 0, width: 1, height: 1, level: 2 }, LEVELS), failsWith(/level between 0 and 1 for region\.level but received 2/));
});

test('validateRegion refuses reads above MAX_REGION_PIXELS', () => {
  const side = Math.ceil(Math.sqrt(MAX_REGION_PIXELS)) + 1;
  assert.throws(() => validateRegion({ x: 0, y: 0, width: side, height: side, level: 0 }, LEVELS), failsWith(/at most/));
});

test('validateTileRequest checks shape, format and quality', () => {
  assert.deepEqual(validateTileRequest({ dzLevel: 3, col: 1, row: 2 }), { dzLevel: 3, col: 1, row: 2 });
  assert.throws(() => validateTileRequest({ dzLevel: 3, col: 1, row: 2, format: 'gif' }), failsWith(/tile\.format/));
  assert.throws(() => validateTileRequest({ dzLevel: 3, col: 1, row: 2, quality: 0 }), failsWith(/tile\.quality but received 0/));
  assert.throws(() => validateTileRequest({ dzLevel: -1, col: 1, row: 2 }), failsWith(/tile\.dzLevel/));
});
