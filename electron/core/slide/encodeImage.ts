/**
 * Straight-RGBA pixels → JPEG/PNG with sharp (libvips), from raw input so nothing is decoded twice.
 * JPEG has no alpha, so transparent areas (outside the scanned area, OpenSlide returns alpha 0)
 * are painted with the slide's background colour, as OpenSlide's DeepZoomGenerator does.
 */
import { endianness } from 'node:os';
import sharp from 'sharp';
import type { RgbaImage } from '../../../native/lib/types.js';
import type { ImageFormat } from '../../shared/domain/TileRequest.js';

/** An encoded image with its size and MIME type. `byteLength` lets caches count it. */
export interface EncodedImage {
  readonly data: Buffer;
  readonly format: ImageFormat;
  readonly contentType: 'image/jpeg' | 'image/png';
  readonly width: number;
  readonly height: number;
  readonly byteLength: number;
}

/** How to encode. */
export interface EncodeOptions {
  readonly format: ImageFormat;
  /** JPEG quality 1..100 (default 80). */
  readonly quality?: number;
  /** RGB hex painted under transparent pixels; required for JPEG, optional for PNG (PNG keeps alpha when absent). */
  readonly background?: string;
  /** Resample to exactly this size (Lanczos-3, alpha-aware), or keep the input size. */
  readonly resize?: { readonly width: number; readonly height: number; readonly fit?: 'fill' | 'inside' };
}

/** Encodes straight RGBA pixels. */
export async function encodeRgba(image: RgbaImage, opts: EncodeOptions): Promise<EncodedImage> {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  const background = opts.background ?? (opts.format === 'jpeg' ? 'ffffff' : undefined);
  if (background !== undefined) {
    pipeline = isOpaque(image.data) ? pipeline.removeAlpha() : pipeline.flatten({ background: `#${background}` });
  }
  if (opts.resize && (opts.resize.width !== image.width || opts.resize.height !== image.height)) {
    pipeline = pipeline.resize(opts.resize.width, opts.resize.height, { fit: opts.resize.fit ?? 'fill', kernel: 'lanczos3' });
  }
  pipeline =
    opts.format === 'jpeg'
      ? // Baseline JPEG as PIL and libjpeg-turbo write it: Huffman optimisation would add a second pass
        // (about a third of the encode time of a 256² tile) for a few % fewer bytes.
        pipeline.jpeg({ quality: opts.quality ?? 80, mozjpeg: false, optimiseCoding: false, chromaSubsampling: '4:2:0' })
      : pipeline.png({ compressionLevel: 6, adaptiveFiltering: false });
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return {
    data,
    format: opts.format,
    contentType: opts.format === 'jpeg' ? 'image/jpeg' : 'image/png',
    width: info.width,
    height: info.height,
    byteLength: data.byteLength,
  };
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** True when every alpha byte is 255 (the common case inside a scan): then dropping alpha is exact and cheaper than flattening. */
export function isOpaque(rgba: Buffer): boolean {
  // Check 4 pixels per 32-bit read: alpha is the high byte of each little-endian word.
  const n = rgba.length >> 2;
  const words = rgba.byteOffset % 4 === 0 && LITTLE_ENDIAN ? new Uint32Array(rgba.buffer, rgba.byteOffset, n) : undefined;
  if (words) {
    for (let i = 0; i < n; i++) if (words[i]! < 0xff000000) return false;
    return true;
  }
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}
