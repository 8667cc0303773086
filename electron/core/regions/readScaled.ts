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
 * Large areas are read in chunks, each shrunk before the next is read. Areas past the slide edge come back transparent.
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
  const region = (cx: number, cy: number, cw: number, ch: number) =>
    slide.readRegion({ x: Math.round(rect.x + cx * levelDs), y: Math.round(rect.y + cy * levelDs), level, width: cw, height: ch });
  let data: Buffer;
  if (w <= CHUNK && h <= CHUNK) {
    data = await resizeRgba((await region(0, 0, w, h)).data, w, h, outW, outH);
  } else {
    // Shrink each chunk to its share of the output before the next read, so memory stays at one
    // chunk plus the output even for a level-0-only slide of 100,000 px a side.
    data = Buffer.alloc(outW * outH * 4);
    const fx = outW / w;
    const fy = outH / h;
    for (let cy = 0; cy < h; cy += CHUNK) {
      for (let cx = 0; cx < w; cx += CHUNK) {
        const cw = Math.min(CHUNK, w - cx);
        const ch = Math.min(CHUNK, h - cy);
        const ox = Math.round(cx * fx);
        const oy = Math.round(cy * fy);
        const ow = Math.round((cx + cw) * fx) - ox;
        const oh = Math.round((cy + ch) * fy) - oy;
        if (ow <= 0 || oh <= 0) continue;
        const part = await resizeRgba((await region(cx, cy, cw, ch)).data, cw, ch, ow, oh);
        for (let r = 0; r < oh; r++) part.copy(data, ((oy + r) * outW + ox) * 4, r * ow * 4, (r + 1) * ow * 4);
      }
    }
  }
  return { width: outW, height: outH, data, downsampleX: rect.width / outW, downsampleY: rect.height / outH };
}

async function resizeRgba(data: Buffer, width: number, height: number, outW: number, outH: number): Promise<Buffer> {
  if (width === outW && height === outH) return data;
  return sharp(data, { raw: { width, height, channels: 4 } })
    .resize(outW, outH, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
}
