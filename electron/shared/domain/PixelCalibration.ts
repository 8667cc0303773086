import { AppError } from '../errors/AppError.js';

/** Where a calibration came from: the OpenSlide-normalised property, or the vendor field OpenSlide documents as its source. */
export type CalibrationSource = 'openslide.mpp' | 'aperio.MPP';

/**
 * µm per level-0 pixel, or an explicit "uncalibrated" state. Never invented: a slide without a
 * trustworthy calibration is `{ kind: 'uncalibrated' }`, and anything measured in µm must refuse it.
 */
export type PixelCalibration =
  | { readonly kind: 'calibrated'; readonly x: number; readonly y: number; readonly source: CalibrationSource }
  | { readonly kind: 'uncalibrated' };

/** The uncalibrated state (one shared value). */
export const UNCALIBRATED: PixelCalibration = Object.freeze({ kind: 'uncalibrated' });

/**
 * Reads the calibration from OpenSlide properties: `openslide.mpp-x`/`-y` first. The only vendor
 * fallback is `aperio.MPP` on Aperio slides, which OpenSlide's format docs name as the source of
 * `openslide.mpp-x` (square pixels). TIFF XResolution is deliberately NOT used: OpenSlide 3.4.1
 * does not derive µm from it for generic TIFF, and tools such as vips write a 72-dpi default
 * there (boxes.tiff would read as 352 µm/px), which would be a plausible-looking wrong number.
 */
export function calibrationFromProperties(properties: Readonly<Record<string, string>>, vendor: string): PixelCalibration {
  const x = positiveNumber(properties['openslide.mpp-x']);
  const y = positiveNumber(properties['openslide.mpp-y']);
  if (x !== undefined && y !== undefined) return { kind: 'calibrated', x, y, source: 'openslide.mpp' };
  if (vendor === 'aperio') {
    const mpp = positiveNumber(properties['aperio.MPP']);
    if (mpp !== undefined) return { kind: 'calibrated', x: mpp, y: mpp, source: 'aperio.MPP' };
  }
  return UNCALIBRATED;
}

/** The `{x, y}` µm/px pair for output (`null` when uncalibrated), as `marrowscope info` prints it. */
export function mppOf(calibration: PixelCalibration): { x: number; y: number } | null {
  return calibration.kind === 'calibrated' ? { x: calibration.x, y: calibration.y } : null;
}

/** µm/px, or CALIBRATION_MISSING naming what needed it: callers that measure in µm use this, never a default. */
export function requireCalibration(calibration: PixelCalibration, what: string): { x: number; y: number } {
  if (calibration.kind !== 'calibrated') {
    throw new AppError('CALIBRATION_MISSING', `${what} needs µm per pixel, but the slide has no pixel calibration (no openslide.mpp-x/y)`);
  }
  return { x: calibration.x, y: calibration.y };
}

/** Objective magnification from `openslide.objective-power`, or null when absent or not a positive number. */
export function objectivePowerFromProperties(properties: Readonly<Record<string, string>>): number | null {
  return positiveNumber(properties['openslide.objective-power']) ?? null;
}

function positiveNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
