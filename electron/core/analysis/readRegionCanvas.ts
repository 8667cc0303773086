import sharp from 'sharp';
import type { OpenSlideHandle } from '../../../native/lib/types.js';
import type { Rect } from '../../shared/domain/geometry.js';
import type { RegionCanvas } from './RegionCanvas.js';

export type { Rect };

/**
 * Reads a level-0 rectangle (grown by `marginPx` canvas pixels on every side) into a canvas at
 * `targetMpp` µm/px: from the best OpenSlide level, then resampled with sharp (Lanczos, as the
 * training data was made). Parts outside the slide and transparent pixels become white, so cells
 * at the slide edge keep full, padded crops.
 */
export async function readRegionCanvas(
  slide: OpenSlideHandle,
  rect: Rect,
  slideMpp: number,
  targetMpp: number,
  marginPx: number,
): Promise<RegionCanvas> {
  const scale = targetMpp / slideMpp; // level-0 px per canvas px
  const margin0 = Math.ceil(marginPx * scale);
  const originX = Math.floor(rect.x) - margin0;
  const originY = Math.floor(rect.y) - margin0;
  const width = Math.max(1, Math.round((rect.width + 2 * margin0) / scale));
  const height = Math.max(1, Math.round((rect.height + 2 * margin0) / scale));
  const level0 = slide.levels[0]!;

  // The part of the wanted area that lies on the slide, in level-0 px.
  const ix0 = Math.max(0, originX);
  const iy0 = Math.max(0, originY);
  const ix1 = Math.min(level0.width, originX + Math.round(width * scale));
  const iy1 = Math.min(level0.height, originY + Math.round(height * scale));
  const canvas = sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } });
  if (ix1 <= ix0 || iy1 <= iy0) {
    const data = await canvas.raw().toBuffer();
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, originX, originY, scale, micronsPerPixel: targetMpp };
  }

  const level = scale > 1 ? slide.bestLevelForDownsample(scale) : 0;
  const ds = slide.levels[level]!.downsample;
  const readW = Math.max(1, Math.ceil((ix1 - ix0) / ds));
  const readH = Math.max(1, Math.ceil((iy1 - iy0) / ds));
  const rgba = await slide.readRegion({ x: ix0, y: iy0, level, width: readW, height: readH });
  // Where the read lands on the canvas, in canvas px.
  const left = Math.round((ix0 - originX) / scale);
  const top = Math.round((iy0 - originY) / scale);
  const pw = Math.max(1, Math.min(width - left, Math.round((readW * ds) / scale)));
  const ph = Math.max(1, Math.min(height - top, Math.round((readH * ds) / scale)));
  const piece = await sharp(rgba.data, { raw: { width: rgba.width, height: rgba.height, channels: 4 } })
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .resize(pw, ph, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer();
  const data = await canvas
    .composite([{ input: piece, raw: { width: pw, height: ph, channels: 3 }, left, top }])
    .removeAlpha() // composite outputs RGBA
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, originX, originY, scale, micronsPerPixel: targetMpp };
}
