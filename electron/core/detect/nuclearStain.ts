/**
 * The nuclear-stain channel of a Romanowsky-stained image, in pure TypeScript (no OpenCV).
 *
 * Why OD_green − OD_blue: in Romanowsky stains (Wright, May-Grünwald-Giemsa, Jenner-Giemsa) the
 * azure-B–eosin complex that stains chromatin purple absorbs green strongly and lets blue through,
 * while eosin-stained red cells absorb green AND blue about equally, and glass absorbs neither.
 * So the optical-density difference OD_G − OD_B (relative to the glass colour) is ≈ 0.8–1.8 in
 * nuclei and ≈ 0–0.3 in red cells and background on all four TXL-PBC sources and on SegPC marrow,
 * whatever the overall brightness or white balance (it is log(B/G) shifted by the glass's
 * log(G/B)). Pale-blue cytoplasm (lymphocytes, plasma cells) absorbs red, not green, so it stays
 * low too. Measured class medians per source are in test/bench/RESULTS.md.
 */

/** The colour of empty glass (the brightest pixels), 0–255 per channel. */
export interface GlassColour {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/** Fraction of the brightest pixels averaged to estimate the glass colour. */
const GLASS_FRACTION = 0.05;

/**
 * Estimates the glass (background) colour as the mean of the brightest 5% of pixels by R+G+B.
 * In a field without any glass (a thick area) it returns the palest cells' colour, which only
 * shifts the channel by a constant; it never fails.
 */
export function estimateGlass(rgb: Uint8Array, pixelCount: number): GlassColour {
  const hist = new Uint32Array(766);
  for (let i = 0, p = 0; i < pixelCount; i++, p += 3) hist[rgb[p]! + rgb[p + 1]! + rgb[p + 2]!]!++;
  const want = Math.max(1, Math.round(pixelCount * GLASS_FRACTION));
  let cut = 765;
  for (let seen = 0; cut > 0; cut--) {
    seen += hist[cut]!;
    if (seen >= want) break;
  }
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let i = 0, p = 0; i < pixelCount; i++, p += 3) {
    if (rgb[p]! + rgb[p + 1]! + rgb[p + 2]! >= cut) {
      r += rgb[p]!;
      g += rgb[p + 1]!;
      b += rgb[p + 2]!;
      n++;
    }
  }
  return n === 0 ? { r: 255, g: 255, b: 255 } : { r: r / n, g: g / n, b: b / n };
}

/** Natural-log lookup of (v + 1) for v in 0..255: the +1 keeps black pixels finite. */
const LOG1 = Float32Array.from({ length: 256 }, (_, v) => Math.log(v + 1));

/**
 * OD_green − OD_blue relative to `glass`, per pixel: ln((B+1)/(G+1)) − ln((glassB+1)/(glassG+1)).
 * High (≈1) in chromatin, ≈0 on glass and red cells.
 */
export function nuclearStain(rgb: Uint8Array, pixelCount: number, glass: GlassColour): Float32Array {
  const out = new Float32Array(pixelCount);
  const offset = Math.log(glass.g + 1) - Math.log(glass.b + 1);
  for (let i = 0, p = 0; i < pixelCount; i++, p += 3) out[i] = LOG1[rgb[p + 2]!]! - LOG1[rgb[p + 1]!]! + offset;
  return out;
}

/**
 * Interleaved RGB bytes from RGB or RGBA input. RGBA pixels are composited over white glass, so
 * transparent areas (outside a slide) read as background rather than black.
 */
export function toRgb(data: Uint8Array | Uint8ClampedArray, pixelCount: number, channels: 3 | 4): Uint8Array {
  if (channels === 3) return data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(pixelCount * 3);
  for (let i = 0, p = 0, q = 0; i < pixelCount; i++, p += 4, q += 3) {
    const a = data[p + 3]!;
    if (a === 255) {
      out[q] = data[p]!;
      out[q + 1] = data[p + 1]!;
      out[q + 2] = data[p + 2]!;
    } else {
      const w = 255 - a;
      out[q] = Math.round((data[p]! * a + 255 * w) / 255);
      out[q + 1] = Math.round((data[p + 1]! * a + 255 * w) / 255);
      out[q + 2] = Math.round((data[p + 2]! * a + 255 * w) / 255);
    }
  }
  return out;
}
