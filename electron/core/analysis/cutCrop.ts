import type { RegionCanvas } from './RegionCanvas.js';
import { level0ToCanvas } from './RegionCanvas.js';

/**
 * Cuts a size × size RGB crop centred on a level-0 point from a canvas already at the model's µm/px.
 * Pixels outside the canvas are padded with `pad` (white, like empty glass), never dropped: a cell
 * at the slide edge still gets a full crop, as the classifier was trained on centred cells.
 */
export function cutCrop(canvas: RegionCanvas, centreX: number, centreY: number, size: number, pad: readonly [number, number, number] = [255, 255, 255]): Uint8Array {
  const c = level0ToCanvas(canvas, centreX, centreY);
  // The crop's top-left canvas pixel: centre the window on the point (even sizes put it between pixels).
  const left = Math.round(c.x - size / 2);
  const top = Math.round(c.y - size / 2);
  const out = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    out[i * 3] = pad[0];
    out[i * 3 + 1] = pad[1];
    out[i * 3 + 2] = pad[2];
  }
  const x0 = Math.max(0, left);
  const x1 = Math.min(canvas.width, left + size);
  if (x1 <= x0) return out;
  for (let y = Math.max(0, top); y < Math.min(canvas.height, top + size); y++) {
    const src = (y * canvas.width + x0) * 3;
    const dst = ((y - top) * size + (x0 - left)) * 3;
    out.set(canvas.data.subarray(src, src + (x1 - x0) * 3), dst);
  }
  return out;
}
