import { z } from 'zod';
import { validate } from '../errors/validate.js';
import type { Level } from './Level.js';
import { AppError } from '../errors/AppError.js';

/**
 * A region to read, the OpenSlide way: (x, y) is the top-left corner in LEVEL-0 pixels;
 * width and height are in pixels OF `level` (so the same box at level 1 covers twice the area).
 */
export interface RegionRequest {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly level: number;
}

/** Largest region one read may return (64 Mpx = 256 MiB of RGBA): bigger reads must be tiled. */
export const MAX_REGION_PIXELS = 64 * 1024 * 1024;

const int0 = z.number().int().min(0);
const int1 = z.number().int().min(1);
const regionSchema = z.object({ x: int0, y: int0, width: int1, height: int1, level: int0 });

/**
 * Validates a region against a slide's levels: integers, level exists, at most MAX_REGION_PIXELS.
 * A region may extend past the slide edge (OpenSlide returns transparent pixels there).
 */
export function validateRegion(value: unknown, levels: readonly Level[], what = 'region'): RegionRequest {
  const region = validate(regionSchema, value, what);
  if (region.level >= levels.length) {
    throw new AppError('VALIDATION_FAILED', `Expected level between 0 and ${levels.length - 1} for ${what}.level but received ${region.level}`);
  }
  if (region.width * region.height > MAX_REGION_PIXELS) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Expected at most ${MAX_REGION_PIXELS} pixels for ${what} but received ${region.width}×${region.height}; read it in tiles`,
    );
  }
  return region;
}
