import { validate } from '../../electron/shared/errors/validate.js';
import { loadAddon } from './loadAddon.js';
import { jpegQualitySchema, rgbHexSchema } from './regionSchema.js';
import { toAppError } from './toAppError.js';

/** One rectangle of a JPEG tile, placed on the canvas. */
export interface JpegPiece {
  /** A complete JPEG; or, without it, `length` bytes at `offset` of the source file (a stored TIFF tile). */
  readonly data?: Buffer;
  readonly offset?: number;
  readonly length?: number;
  /** The rectangle of the decoded JPEG to take. */
  readonly sx: number;
  readonly sy: number;
  readonly w: number;
  readonly h: number;
  /** Where it lands on the canvas. */
  readonly dx: number;
  readonly dy: number;
}

/** Where pieces without `data` live, and how their colour is read. */
export interface JpegSource {
  readonly path: string;
  /** A TIFF's JPEGTables (a tables-only stream, SOI … EOI), read before each tile. */
  readonly tables?: Buffer;
  /**
   * 'rgb' (no transform) or 'ycbcr' force the colour space as libtiff does from the TIFF's
   * Photometric tag; 'markers' (the default) lets libjpeg read it from the stream.
   */
  readonly colour?: 'markers' | 'rgb' | 'ycbcr';
}

/** Canvas size and output: straight RGBA, or a JPEG of `quality` over `background` (six hex digits). */
export interface JpegCanvas {
  readonly width: number;
  readonly height: number;
  readonly jpeg?: { readonly quality: number; readonly background: string };
}

const COLOUR = { markers: 0, rgb: 1, ycbcr: 2 } as const;

/**
 * Decodes rectangles of JPEG tiles onto one canvas on a libuv worker thread (libjpeg-turbo, only the
 * scanlines and iMCU columns each rectangle needs; file ranges read on that thread too), without
 * OpenSlide: a Deep Zoom tile cut from a slide's stored JPEG tiles. Pixels no piece covers stay
 * transparent. Throws SLIDE_READ_FAILED for an unreadable file or damaged JPEG (libjpeg's warnings
 * count), VALIDATION_FAILED for a piece off the canvas.
 */
export async function decodeJpegTiles(pieces: readonly JpegPiece[], canvas: JpegCanvas, source?: JpegSource): Promise<Buffer> {
  const quality = canvas.jpeg ? validate(jpegQualitySchema, canvas.jpeg.quality, 'quality') : 0;
  const bg = canvas.jpeg ? validate(rgbHexSchema, canvas.jpeg.background, 'background') : '000000';
  const native = source ? { path: source.path, tables: source.tables, colour: COLOUR[source.colour ?? 'markers'] } : null;
  try {
    return await loadAddon().decodeJpegTiles(native, pieces, canvas.width, canvas.height, quality, parseInt(bg.slice(0, 2), 16), parseInt(bg.slice(2, 4), 16), parseInt(bg.slice(4, 6), 16));
  } catch (err) {
    throw toAppError(err, `Decoding ${pieces.length} JPEG tile piece(s) onto ${canvas.width}×${canvas.height}${source ? ` from ${source.path}` : ''}`);
  }
}
