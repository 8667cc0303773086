import { z } from 'zod';
import { validate } from '../errors/validate.js';

/** Encodings the tile service writes. */
export type ImageFormat = 'jpeg' | 'png';

/** One Deep Zoom tile: `dzLevel` counts the Deep Zoom way (0 = 1×1 px, last = full resolution). */
export interface TileRequest {
  readonly dzLevel: number;
  readonly col: number;
  readonly row: number;
  /** Default 'jpeg'. */
  readonly format?: ImageFormat;
  /** JPEG quality 1..100 (default 80); ignored for PNG. */
  readonly quality?: number;
}

const int0 = z.number().int().min(0);
const tileSchema = z.object({
  dzLevel: int0,
  col: int0,
  row: int0,
  format: z.enum(['jpeg', 'png']).optional(),
  quality: z.number().int().min(1).max(100).optional(),
});

/** Validates the shape of a tile request (ranges against the grid are checked by DeepZoom.tileRegion). */
export function validateTileRequest(value: unknown, what = 'tile'): TileRequest {
  return validate(tileSchema, value, what);
}
