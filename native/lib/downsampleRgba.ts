/**
 * Shrinks straight RGBA pixels by area averaging: each output pixel averages the source pixels it
 * covers (`ratio` source px per output px, ≥ 1). Colour is weighted by alpha, so transparent
 * pixels past a slide's edge do not darken the edge.
 */
export function downsampleRgba(src: Buffer, srcWidth: number, srcHeight: number, width: number, height: number, ratio: number): Buffer {
  const out = Buffer.alloc(width * height * 4);
  for (let oy = 0; oy < height; oy++) {
    // Rounded bounds: a ratio of 2.02 averages 2×2 blocks (as a pyramid builder does), not 3×3.
    const y0 = Math.min(srcHeight - 1, Math.round(oy * ratio));
    const y1 = Math.max(y0 + 1, Math.min(srcHeight, Math.round((oy + 1) * ratio)));
    for (let ox = 0; ox < width; ox++) {
      const x0 = Math.min(srcWidth - 1, Math.round(ox * ratio));
      const x1 = Math.max(x0 + 1, Math.min(srcWidth, Math.round((ox + 1) * ratio)));
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * srcWidth + x) * 4;
          const alpha = src[i + 3]!;
          r += src[i]! * alpha;
          g += src[i + 1]! * alpha;
          b += src[i + 2]! * alpha;
          a += alpha;
        }
      }
      const o = (oy * width + ox) * 4;
      if (a > 0) {
        out[o] = Math.round(r / a);
        out[o + 1] = Math.round(g / a);
        out[o + 2] = Math.round(b / a);
        out[o + 3] = Math.round(a / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return out;
}
