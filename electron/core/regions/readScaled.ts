import sharp from 'sharp';
import type { OpenSlideHandle } from '../../../native/lib/types.js';

/** What region proposals need from an open slide (an OpenSlideHandle has it all). */
export type SlideReader = Pick<OpenSlideHandle, 'levels' | 'properties' | 'vendor' | 'bestLevelForDownsample' | 'readRegion'>;

/** Straight RGBA pixels at a known scale: `downsample` level-0 px per px (x and y). */
export interface ScaledImage {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
  readonly downsampleX: number;
  readonly downsampleY: number;
}

// One read at most this many px a side: keeps each native buffer (RGBA) under 64 MiB.
const CHUNK = 4096;

/**
 * Reads a level-0 rectangle at `downsample` level-0 px per output px: from the best pyramid level
 * (OpenSlide's choice, never finer than needed), then resized with sharp to the exact size.
 * Large areas are read in chunks and stitched. Areas past the slide edge come back transparent.
 */
export async function readScaled(
  slide: SlideReader,
  rect: { x: number; y: number; width: number; height: number },
  downsample: number,
): Promise<ScaledImage> {
  const outW = Math.max(1, Math.round(rect.width / downsample));
  const outH = Math.max(1, Math.round(rect.height / downsample));
  const level = slide.bestLevelForDownsample(downsample);
  const levelDs = slide.levels[level]?.downsample ?? 1;
  const w = Math.max(1, Math.ceil(rect.width / levelDs));
  const h = Math.max(1, Math.ceil(rect.height / levelDs));
  let data: Buffer;
  if (w <= CHUNK && h <= CHUNK) {
    data = (await slide.readRegion({ x: Math.round(rect.x), y: Math.round(rect.y), level, width: w, height: h })).data;
  } else {
    data = Buffer.alloc(w * h * 4);
    for (let cy = 0; cy < h; cy += CHUNK) {
      for (let cx = 0; cx < w; cx += CHUNK) {
        const cw = Math.min(CHUNK, w - cx);
        const ch = Math.min(CHUNK, h - cy);
        const part = await slide.readRegion({ x: Math.round(rect.x + cx * levelDs), y: Math.round(rect.y + cy * levelDs), level, width: cw, height: ch });
        for (let r = 0; r < ch; r++) part.data.copy(data, ((cy + r) * w + cx) * 4, r * cw * 4, (r + 1) * cw * 4);
      }
    }
  }
  if (w !== outW || h !== outH) {
    // Transparent pixels past the edge are averaged in as transparent, so they stay recognisable as "no slide".
    data = await sharp(data, { raw: { width: w, height: h, channels: 4 } })
      .resize(outW, outH, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
  }
  return { width: outW, height: outH, data, downsampleX: rect.width / outW, downsampleY: rect.height / outH };
}
