import { AppError } from '../../shared/errors/AppError.js';

/** An RGB image of one cell (or any picture to classify) and the µm per pixel it was captured at. */
export interface CellCrop {
  /** Interleaved 8-bit RGB, row-major, width × height × 3 bytes. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Pixel size of `data` in µm; the engine resamples to the model's µm/px when they differ. */
  readonly micronsPerPixel: number;
}

/** Throws VALIDATION_FAILED naming the field when a crop's size, µm/px or byte count is wrong. */
export function checkCrop(crop: CellCrop, index: number): void {
  const where = `crops.${index}`;
  for (const key of ['width', 'height'] as const) {
    const v = crop[key];
    if (!Number.isInteger(v) || v < 1) throw new AppError('VALIDATION_FAILED', `Expected integer ≥ 1 for ${where}.${key} but received ${v}`);
  }
  if (!(crop.micronsPerPixel > 0) || !Number.isFinite(crop.micronsPerPixel)) {
    throw new AppError('VALIDATION_FAILED', `Expected number > 0 for ${where}.micronsPerPixel but received ${crop.micronsPerPixel}`);
  }
  const expected = crop.width * crop.height * 3;
  if (!(crop.data instanceof Uint8Array) || crop.data.length !== expected) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Expected ${expected} bytes (${crop.width}×${crop.height} RGB) for ${where}.data but received ${crop.data?.length ?? 'nothing'}`,
    );
  }
}
