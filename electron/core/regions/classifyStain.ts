/**
 * Per-pixel classes of a Romanowsky-stained (May-Grünwald-Giemsa, Wright, Jenner-Giemsa) smear,
 * judged in optical density (OD = −log10(I/255), Beer–Lambert): OD is proportional to the amount of
 * dye, so thresholds mean "this much stain" whatever the brightness of the scan.
 */

/** OD thresholds; the defaults were set on SegPC marrow and PBC blood fields (test/helpers/syntheticAspirate.ts). */
export interface StainThresholds {
  /** Glass: every channel's OD below this (≈ I > 212) and little colour. */
  readonly glassMaxOd: number;
  /** Nuclear chromatin absorbs green most: OD(G) at least this (≈ G < 118) ... */
  readonly nuclearMinOdGreen: number;
  /** ... with blue transmitted (OD(B) at least this much below OD(G)) ... */
  readonly nuclearMinGreenOverBlue: number;
  /** ... and red not absorbed much more than green (purple, not the blue of basophilic cytoplasm). */
  readonly nuclearMaxRedOverGreen: number;
  /** Overlap/thick: every channel's OD above this (≈ I < 90): light no longer gets through. */
  readonly darkMinOd: number;
  /** Red cells (eosin, pink to grey-pink): green absorbed more than red by this margin ... */
  readonly redCellMinGreenOverRed: number;
  /** ... and not much less than blue (this may be negative), with at least this much green OD. */
  readonly redCellMinGreenOverBlue: number;
  readonly redCellMinOd: number;
}

/** Defaults for {@link StainThresholds}. */
export const DEFAULT_STAIN_THRESHOLDS: StainThresholds = {
  glassMaxOd: 0.08,
  nuclearMinOdGreen: 0.335,
  nuclearMinGreenOverBlue: 0.12,
  nuclearMaxRedOverGreen: 0.04,
  darkMinOd: 0.45,
  redCellMinGreenOverRed: 0.04,
  redCellMinGreenOverBlue: -0.02,
  redCellMinOd: 0.1,
};

/** Pixel class codes in {@link StainClasses.classes}. */
export const STAIN = { other: 0, glass: 1, nuclear: 2, dark: 3, redCell: 4 } as const;

/** One class per pixel plus the fraction of pixels in each class. */
export interface StainClasses {
  readonly width: number;
  readonly height: number;
  readonly classes: Uint8Array;
  readonly glassFraction: number;
  readonly nuclearFraction: number;
  readonly darkFraction: number;
  readonly redCellFraction: number;
}

// OD of each 8-bit value, once: OD(0) is capped (log of 0.5/255) instead of infinite.
const OD = Float32Array.from({ length: 256 }, (_, i) => -Math.log10(Math.max(i, 0.5) / 255));

/** Classifies straight RGBA (4 bytes/px) or RGB (3 bytes/px) pixels. Transparent pixels (past the slide edge) count as glass. */
export function classifyStain(
  data: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 4,
  t: StainThresholds = DEFAULT_STAIN_THRESHOLDS,
): StainClasses {
  const n = width * height;
  const classes = new Uint8Array(n);
  const counts = [0, 0, 0, 0, 0];
  for (let p = 0, i = 0; p < n; p++, i += channels) {
    const c = channels === 4 && data[i + 3] === 0 ? STAIN.glass : classify(OD[data[i] as number] as number, OD[data[i + 1] as number] as number, OD[data[i + 2] as number] as number, t);
    classes[p] = c;
    counts[c] = (counts[c] as number) + 1;
  }
  const f = (c: number) => (n === 0 ? 0 : (counts[c] as number) / n);
  return {
    width,
    height,
    classes,
    glassFraction: f(STAIN.glass),
    nuclearFraction: f(STAIN.nuclear),
    darkFraction: f(STAIN.dark),
    redCellFraction: f(STAIN.redCell),
  };
}

function classify(r: number, g: number, b: number, t: StainThresholds): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max < t.glassMaxOd && max - min < t.glassMaxOd / 2) return STAIN.glass;
  if (min > t.darkMinOd) return STAIN.dark;
  if (g >= t.nuclearMinOdGreen && g - b >= t.nuclearMinGreenOverBlue && r - g <= t.nuclearMaxRedOverGreen) return STAIN.nuclear;
  if (g - r >= t.redCellMinGreenOverRed && g - b >= t.redCellMinGreenOverBlue && g >= t.redCellMinOd) return STAIN.redCell;
  return STAIN.other;
}
