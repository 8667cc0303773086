import type { DetectionParams } from './DetectionParams.js';
import type { GlassColour } from './nuclearStain.js';

/** A pixel is "on glass" when its R+G+B is at least this fraction of the glass colour's. */
const GLASS_BRIGHTNESS_FRACTION = 0.85;
const BIN = 0.01;
const LOW = -2;
const BINS = 600;

/**
 * The nuclear-stain threshold for one image: the median stain of the stained (non-glass) area,
 * which in a smear is mostly red cells and cytoplasm, plus a margin, clamped to
 * [stainThreshold, stainThresholdMax]. Why adaptive: red cells in some preparations are
 * bluish-grey (TXL-PBC Raabin fields reach 0.3–0.5), while pale nuclei elsewhere (BCCD) sit at
 * 0.7; one fixed threshold cannot serve both. The clamp keeps a field crowded with nuclei (whose
 * median is a nucleus) from raising the threshold above the nuclei themselves.
 */
export function adaptiveStainThreshold(rgb: Uint8Array, stain: Float32Array, glass: GlassColour, params: DetectionParams): number {
  const hist = new Uint32Array(BINS);
  const cut = GLASS_BRIGHTNESS_FRACTION * (glass.r + glass.g + glass.b);
  let count = 0;
  for (let i = 0, p = 0; i < stain.length; i++, p += 3) {
    if (rgb[p]! + rgb[p + 1]! + rgb[p + 2]! >= cut) continue;
    const b = Math.min(BINS - 1, Math.max(0, Math.floor((stain[i]! - LOW) / BIN)));
    hist[b]!++;
    count++;
  }
  if (count === 0) return params.stainThreshold;
  let seen = 0;
  let median = LOW;
  for (let b = 0; b < BINS; b++) {
    seen += hist[b]!;
    if (seen * 2 >= count) {
      median = LOW + (b + 0.5) * BIN;
      break;
    }
  }
  return Math.min(params.stainThresholdMax, Math.max(params.stainThreshold, median + params.stainMarginAboveTissue));
}
