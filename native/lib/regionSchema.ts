import { z } from 'zod';

/** The most bytes one region read may return (256 MiB of RGBA, e.g. 8192×8192): larger reads are a caller bug. */
export const MAX_REGION_BYTES = 256 * 1024 * 1024;

const coordinate = z
  .int({ error: 'Expected integer ≥ 0' })
  .min(0, { error: 'Expected integer ≥ 0' });
const size = z
  .int({ error: 'Expected integer ≥ 1' })
  .min(1, { error: 'Expected integer ≥ 1' })
  .max(MAX_REGION_BYTES / 4, { error: `Expected integer ≤ ${MAX_REGION_BYTES / 4}` });

/** A region request for a slide with `levelCount` levels: integer coordinates, level in range, bounded size. */
export function regionSchema(levelCount: number) {
  const last = levelCount - 1;
  return z
    .object({
      x: coordinate,
      y: coordinate,
      level: z
        .int({ error: `Expected integer level in 0..${last}` })
        .min(0, { error: `Expected integer level in 0..${last}` })
        .max(last, { error: `Expected integer level in 0..${last}` }),
      width: size,
      height: size,
    })
    .refine((r) => r.width * r.height * 4 <= MAX_REGION_BYTES, {
      error: `Expected width × height × 4 ≤ ${MAX_REGION_BYTES} bytes (256 MiB); read smaller regions`,
      path: ['width'],
    });
}

/** A non-empty string (paths, associated image names). */
export const nonEmptyString = z.string({ error: 'Expected a non-empty string' }).min(1, { error: 'Expected a non-empty string' });

/** A downsample factor: a finite number > 0. */
export const downsampleSchema = z
  .number({ error: 'Expected a finite number > 0' })
  .finite({ error: 'Expected a finite number > 0' })
  .gt(0, { error: 'Expected a finite number > 0' });

/** A JPEG quality: an integer 1..100. */
export const jpegQualitySchema = z.int({ error: 'Expected integer quality in 1..100' }).min(1, { error: 'Expected integer quality in 1..100' }).max(100, { error: 'Expected integer quality in 1..100' });

/** An RGB colour as six hex digits without '#', e.g. "ffffff" (OpenSlide's background-color property). */
export const rgbHexSchema = z.string().regex(/^[0-9a-fA-F]{6}$/, { error: 'Expected an RGB colour as six hex digits, e.g. "ffffff"' });
