/** One 8-connected blob of a binary mask, in the mask's pixels. */
export interface Component {
  /** Pixel count. */
  readonly area: number;
  /** Centroid (mean of pixel centres: a pixel (x, y) has centre x + 0.5, y + 0.5). */
  readonly cx: number;
  readonly cy: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/**
 * Labels the 8-connected components of a binary mask (non-zero = on), scanning in row-major order,
 * so components come out ordered by their first pixel. An explicit stack keeps big blobs off the call stack.
 */
export function connectedComponents(mask: Uint8Array, width: number, height: number): Component[] {
  if (mask.length !== width * height) throw new RangeError(`mask has ${mask.length} pixels, expected ${width}×${height}`);
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const out: Component[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let area = 0;
    let sx = 0;
    let sy = 0;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    while (top > 0) {
      const i = stack[--top] as number;
      const x = i % width;
      const y = (i - x) / width;
      area++;
      sx += x;
      sy += y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    out.push({ area, cx: sx / area + 0.5, cy: sy / area + 0.5, minX, minY, maxX, maxY });
  }
  return out;
}
