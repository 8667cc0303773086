import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibrationFromProperties,
  mppOf,
  objectivePowerFromProperties,
  requireCalibration,
} from '../../../electron/shared/domain/PixelCalibration.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

test('calibration comes from openslide.mpp-x/y when present', () => {
  const c = calibrationFromProperties({ 'openslide.mpp-x': '0.499', 'openslide.mpp-y': '0.5', 'aperio.MPP': '9' }, 'aperio');
  assert.deepEqual(c, { kind: 'calibrated', x: 0.499, y: 0.5, source: 'openslide.mpp' });
  assert.deepEqual(mppOf(c), { x: 0.499, y: 0.5 });
});

test('aperio.MPP is the only vendor fallback, and only for Aperio slides', () => {
  assert.deepEqual(calibrationFromProperties({ 'aperio.MPP': '0.2525' }, 'aperio'), { kind: 'calibrated', x: 0.2525, y: 0.2525, source: 'aperio.MPP' });
  assert.deepEqual(calibrationFromProperties({ 'aperio.MPP': '0.2525' }, 'generic-tiff'), { kind: 'uncalibrated' });
});

test('TIFF resolution tags never produce a calibration (vips writes a 72-dpi default)', () => {
  const props = { 'tiff.ResolutionUnit': 'centimeter', 'tiff.XResolution': '28.346456527709961', 'tiff.YResolution': '28.346456527709961' };
  const c = calibrationFromProperties(props, 'generic-tiff');
  assert.deepEqual(c, { kind: 'uncalibrated' });
  assert.equal(mppOf(c), null);
});

test('malformed, zero, negative or one-sided mpp values leave the slide uncalibrated', () => {
  const cases: Record<string, string>[] = [
    { 'openslide.mpp-x': 'abc', 'openslide.mpp-y': '0.25' },
    { 'openslide.mpp-x': '0', 'openslide.mpp-y': '0' },
    { 'openslide.mpp-x': '-0.25', 'openslide.mpp-y': '0.25' },
    { 'openslide.mpp-x': '0.25' },
    { 'openslide.mpp-x': '', 'openslide.mpp-y': '' },
  ];
  for (const props of cases) {
    assert.deepEqual(calibrationFromProperties(props, 'hamamatsu'), { kind: 'uncalibrated' }, JSON.stringify(props));
  }
});

test('requireCalibration returns µm/px or throws CALIBRATION_MISSING naming the caller', () => {
  assert.deepEqual(requireCalibration({ kind: 'calibrated', x: 0.25, y: 0.26, source: 'openslide.mpp' }, 'crop size'), { x: 0.25, y: 0.26 });
  assert.throws(
    () => requireCalibration({ kind: 'uncalibrated' }, 'crop size'),
    (e: unknown) => e instanceof AppError && e.code === 'CALIBRATION_MISSING' && /crop size/.test(e.message),
  );
});

test('objective power is read from openslide.objective-power or null', () => {
  assert.equal(objectivePowerFromProperties({ 'openslide.objective-power': '40' }), 40);
  assert.equal(objectivePowerFromProperties({ 'openslide.objective-power': '20.5' }), 20.5);
  assert.equal(objectivePowerFromProperties({ 'aperio.AppMag': '40' }), null);
  assert.equal(objectivePowerFromProperties({ 'openslide.objective-power': 'x' }), null);
});
