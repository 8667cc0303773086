import type { RgbImage } from './RgbImage.js';

// Fixed-point precision of Pillow's resampler (Resample.c): coefficients scaled by 2^22.
const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Lanczos-3 window, as Pillow defines it. */
export function lanczos3(x: number): number {
  return x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

/**
 * Per output pixel along one axis: the first input pixel and the fixed-point Lanczos-3 weights,
 * computed exactly as Pillow's precompute_coeffs does (support widened by the scale when reducing,
 * so downsampling is antialiased; pixel centres at +0.5).
 */
export function lanczosCoefficients(inSize: number, outSize: number): { start: Int32Array; count: Int32Array; weights: Int32Array; stride: number } {
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = 3 * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * stride);
  const k = new Float64Array(stride);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = lanczos3((x + xmin - center + 0.5) / filterScale);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? k[x]! / ww : k[x]!;
      // Pillow rounds half away from zero when converting to fixed point.
      weights[xx * stride + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { start, count, weights, stride };
}

const clip8 = (ss: number): number => {
  const v = Math.floor(ss / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/**
 * Resizes interleaved RGB to width × height with Lanczos-3, bit-for-bit like Pillow's
 * Image.resize(..., LANCZOS) (horizontal pass, 8-bit intermediate, vertical pass): the PBC training
 * images were made that way, so resampled test images look exactly like what the model saw.
 */
export function resampleRgb(image: RgbImage, width: number, height: number): RgbImage {
  if (width === image.width && height === image.height) return image;
  let src = image.data;
  let w = image.width;
  if (width !== w) {
    const c = lanczosCoefficients(w, width);
    const out = new Uint8Array(width * image.height * 3);
    for (let y = 0; y < image.height; y++) {
      const row = y * w * 3;
      for (let xx = 0; xx < width; xx++) {
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        const base = xx * c.stride;
        const first = row + c.start[xx]! * 3;
        for (let x = 0; x < c.count[xx]!; x++) {
          const k = c.weights[base + x]!;
          const p = first + x * 3;
          s0 += src[p]! * k;
          s1 += src[p + 1]! * k;
          s2 += src[p + 2]! * k;
        }
        const o = (y * width + xx) * 3;
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
    src = out;
    w = width;
  }
  if (height !== image.height) {
    const c = lanczosCoefficients(image.height, height);
    const out = new Uint8Array(width * height * 3);
    const rowLen = w * 3;
    // Accumulate whole rows (sequential memory) rather than columns; sums stay exact integers in float64.
    const acc = new Float64Array(rowLen);
    for (let yy = 0; yy < height; yy++) {
      const base = yy * c.stride;
      const first = c.start[yy]!;
      acc.fill(HALF);
      for (let y = 0; y < c.count[yy]!; y++) {
        const k = c.weights[base + y]!;
        const row = (first + y) * rowLen;
        for (let i = 0; i < rowLen; i++) acc[i]! += src[row + i]! * k;
      }
      const o = yy * rowLen;
      for (let i = 0; i < rowLen; i++) out[o + i] = clip8(acc[i]!);
    }
    src = out;
  }
  return { data: src, width, height };
}
