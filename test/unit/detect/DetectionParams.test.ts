import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DETECTION_PARAMS, resolveDetectionParams, toPixelParams } from '../../../electron/core/detect/DetectionParams.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

test('toPixelParams converts µm and µm² at the working scale', () => {
  const params = { ...DEFAULT_DETECTION_PARAMS, workingMicronsPerPixel: 0.5, minNucleusAreaUm2: 16, closingRadiusUm: 1, splitMinDistanceUm: 5 };
  // 0.25 µm/px input → factor 2 → 0.5 µm/px working pixels.
  const px = toPixelParams(params, 0.25);
  assert.equal(px.downsample, 2);
  assert.equal(px.micronsPerPixel, 0.5);
  assert.equal(px.minNucleusAreaPx, 64);
  assert.equal(px.closingRadiusPx, 2);
  assert.equal(px.splitMinDistancePx, 10);
});

test('toPixelParams never upsamples and picks the nearest whole factor', () => {
  const params = { ...DEFAULT_DETECTION_PARAMS, workingMicronsPerPixel: 0.35 };
  assert.equal(toPixelParams(params, 0.5).downsample, 1);
  assert.equal(toPixelParams(params, 0.5).micronsPerPixel, 0.5);
  assert.equal(toPixelParams(params, 0.08).downsample, 4); // 0.35 / 0.08 = 4.375 → 4
  assert.equal(toPixelParams(params, 0.06).downsample, 6);
  assert.ok(Math.abs(toPixelParams(params, 0.06).micronsPerPixel - 0.36) < 1e-12);
  // Same physical size, different scans: the px value scales with 1/mpp.
  const a = toPixelParams(params, 0.25);
  const b = toPixelParams(params, 0.5);
  assert.ok(Math.abs(a.minNucleusAreaPx * a.micronsPerPixel ** 2 - b.minNucleusAreaPx * b.micronsPerPixel ** 2) < 1e-9);
});

test('toPixelParams rejects a non-positive µm/px', () => {
  assert.throws(() => toPixelParams(DEFAULT_DETECTION_PARAMS, 0), RangeError);
  assert.throws(() => toPixelParams(DEFAULT_DETECTION_PARAMS, Number.NaN), RangeError);
});

test('resolveDetectionParams merges overrides and names a bad field', () => {
  assert.equal(resolveDetectionParams({ stainThreshold: 0.6 }).stainThreshold, 0.6);
  assert.equal(resolveDetectionParams().minNucleusAreaUm2, DEFAULT_DETECTION_PARAMS.minNucleusAreaUm2);
  assert.throws(
    () => resolveDetectionParams({ minNucleusAreaUm2: -1 }),
    (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && /detectionParams\.minNucleusAreaUm2/.test(e.message) && /-1/.test(e.message),
  );
});
