import { z } from 'zod';
import { validate } from '../../shared/errors/validate.js';

/**
 * Parameters of the classical Romanowsky detector, in µm and µm² so they mean the same thing at
 * every scan resolution. Defaults were tuned on the TXL-PBC train/val splits (test/bench/detect_eval.ts).
 */
export interface DetectionParams {
  /** The image is box-downsampled by the whole factor that comes closest to this µm/px (never upsampled): cheaper, and about one scale for all kernels. */
  readonly workingMicronsPerPixel: number;
  /** Gaussian σ applied to the nuclear-stain channel, µm (JPEG noise, granules). */
  readonly smoothingUm: number;
  /** Lowest nuclear-stain threshold, optical-density units (OD_green − OD_blue relative to the glass). */
  readonly stainThreshold: number;
  /** Highest nuclear-stain threshold (the adaptive threshold is clamped to [stainThreshold, this]). */
  readonly stainThresholdMax: number;
  /** Adaptive threshold = median stain of the non-glass area + this margin (then clamped). */
  readonly stainMarginAboveTissue: number;
  /** Opening radius, µm: removes specks narrower than about twice this. */
  readonly openingRadiusUm: number;
  /** Closing radius, µm: joins lobes of one nucleus whose gaps are narrower than about twice this. */
  readonly closingRadiusUm: number;
  /** Smallest nucleus kept, µm² (single platelets are ≈ 3–10 µm²; a small lymphocyte nucleus ≈ 30 µm²). */
  readonly minNucleusAreaUm2: number;
  /** Largest nucleus kept, µm² (bigger dark areas are thick particles, clumps or stain deposits). */
  readonly maxNucleusAreaUm2: number;
  /** Smallest distance-transform peak that seeds a separate cell when splitting touching nuclei, µm (≈ smallest splittable nucleus radius). */
  readonly splitMinRadiusUm: number;
  /** Seeds closer than this are one cell, µm (≈ smallest centre distance of two touching nuclei). */
  readonly splitMinDistanceUm: number;
  /** A seed must reach this fraction of its blob's deepest distance-transform peak (keeps lobes and notches from splitting a cell). */
  readonly splitPeakFraction: number;
  /** Adjacent split regions are merged back when their boundary is at least this fraction as deep as the shallower peak (a notch, not a neck). */
  readonly splitSaddleFraction: number;
  /** Saddle fraction for pairs whose shallower peak is at least splitDeepPeakUm deep (higher = fewer merges): big touching round nuclei. */
  readonly splitSaddleFractionDeep: number;
  /** Peak depth (µm, ≈ nucleus radius) from which splitSaddleFractionDeep applies. */
  readonly splitDeepPeakUm: number;
  /** Pieces smaller than this (µm²) may be lobes of a segmented nucleus. */
  readonly lobeMaxAreaUm2: number;
  /** Mid-sized pieces below this (µm²) are lobes too when elongated (see lobeMinElongation). */
  readonly lobeElongatedMaxAreaUm2: number;
  /** Moment elongation (√ of the inertia eigenvalue ratio) from which a mid-sized piece counts as a lobe. */
  readonly lobeMinElongation: number;
  /** Lobe pieces closer than this (edge to edge, µm) are grouped into one cell... */
  readonly lobeGapUm: number;
  /** ...when the group's total area stays below this (µm²): a lobed nucleus, not several small cells. */
  readonly lobedNucleusMaxAreaUm2: number;
  /** Objects cut by the image edge need only this fraction of minNucleusAreaUm2 (a partly visible cell). */
  readonly edgeMinAreaFraction: number;
  /** Cytoplasm: stained pixels with OD_red − OD_blue above this (bluish, not pink red cells). */
  readonly cytoplasmThreshold: number;
  /** Cytoplasm is grown at most this far from its nucleus, µm. */
  readonly cytoplasmMaxWidthUm: number;
  /** Blobs whose minimum-rectangle elongation exceeds this are streaks or debris, not nuclei. */
  readonly maxElongation: number;
}

/** Tuned defaults (see test/bench/RESULTS.md, "Nucleated-cell detection"). */
export const DEFAULT_DETECTION_PARAMS: DetectionParams = Object.freeze({
  workingMicronsPerPixel: 0.4,
  smoothingUm: 0.35,
  stainThreshold: 0.3,
  stainThresholdMax: 0.75,
  stainMarginAboveTissue: 0.3,
  openingRadiusUm: 0.4,
  closingRadiusUm: 0.9,
  minNucleusAreaUm2: 14,
  maxNucleusAreaUm2: 1200,
  splitMinRadiusUm: 2.8,
  splitMinDistanceUm: 5.5, // 4.5 split large monocyte and eosinophil nuclei in two (TXL-PBC false positives); RESULTS.md
  splitPeakFraction: 0.55,
  maxElongation: 4,
  splitSaddleFraction: 0.6,
  splitSaddleFractionDeep: 0.9,
  splitDeepPeakUm: 3.5,
  lobeMaxAreaUm2: 30,
  lobeElongatedMaxAreaUm2: 70,
  lobeMinElongation: 1.4,
  lobeGapUm: 3.2,
  lobedNucleusMaxAreaUm2: 130,
  edgeMinAreaFraction: 0.4,
  cytoplasmThreshold: 0.08,
  cytoplasmMaxWidthUm: 5,
});

const positive = z.number().positive().finite();
const paramsSchema = z.object({
  workingMicronsPerPixel: positive,
  smoothingUm: z.number().min(0).finite(),
  stainThreshold: positive,
  stainThresholdMax: positive,
  stainMarginAboveTissue: z.number().min(0).finite(),
  openingRadiusUm: z.number().min(0).finite(),
  closingRadiusUm: z.number().min(0).finite(),
  minNucleusAreaUm2: z.number().min(0).finite(),
  maxNucleusAreaUm2: positive,
  splitMinRadiusUm: positive,
  splitMinDistanceUm: positive,
  splitPeakFraction: z.number().min(0).max(1),
  maxElongation: z.number().min(1).finite(),
  splitSaddleFraction: z.number().min(0).max(1),
  splitSaddleFractionDeep: z.number().min(0).max(1),
  splitDeepPeakUm: z.number().min(0).finite(),
  lobeMaxAreaUm2: z.number().min(0).finite(),
  lobeElongatedMaxAreaUm2: z.number().min(0).finite(),
  lobeMinElongation: z.number().min(1).finite(),
  lobeGapUm: z.number().min(0).finite(),
  lobedNucleusMaxAreaUm2: z.number().min(0).finite(),
  edgeMinAreaFraction: z.number().min(0).max(1),
  cytoplasmThreshold: z.number().finite(),
  cytoplasmMaxWidthUm: z.number().min(0).finite(),
});

/** Defaults overridden by `overrides`, validated (VALIDATION_FAILED names the bad field). */
export function resolveDetectionParams(overrides: Partial<DetectionParams> = {}): DetectionParams {
  return validate(paramsSchema, { ...DEFAULT_DETECTION_PARAMS, ...overrides }, 'detectionParams');
}

/** The same parameters in pixels at one image scale: what the OpenCV steps consume. */
export interface PixelParams {
  /** µm per working pixel actually used: the input's µm/px × downsample. */
  readonly micronsPerPixel: number;
  /** Whole box-downsampling factor from the input image to the working image (≥ 1). */
  readonly downsample: number;
  readonly smoothingSigmaPx: number;
  readonly openingRadiusPx: number;
  readonly closingRadiusPx: number;
  readonly minNucleusAreaPx: number;
  readonly maxNucleusAreaPx: number;
  readonly splitMinRadiusPx: number;
  readonly splitMinDistancePx: number;
  readonly splitDeepPeakPx: number;
  readonly lobeMaxAreaPx: number;
  readonly lobeElongatedMaxAreaPx: number;
  readonly lobeGapPx: number;
  readonly lobedNucleusMaxAreaPx: number;
  readonly cytoplasmMaxWidthPx: number;
}

/** Converts µm parameters to pixels for an input image at `inputMicronsPerPixel`. */
export function toPixelParams(params: DetectionParams, inputMicronsPerPixel: number): PixelParams {
  if (!(inputMicronsPerPixel > 0) || !Number.isFinite(inputMicronsPerPixel)) {
    throw new RangeError(`inputMicronsPerPixel must be a positive number, got ${inputMicronsPerPixel}`);
  }
  const downsample = Math.max(1, Math.round(params.workingMicronsPerPixel / inputMicronsPerPixel));
  const mpp = inputMicronsPerPixel * downsample;
  const px = (um: number) => um / mpp;
  return {
    micronsPerPixel: mpp,
    downsample,
    smoothingSigmaPx: px(params.smoothingUm),
    openingRadiusPx: px(params.openingRadiusUm),
    closingRadiusPx: px(params.closingRadiusUm),
    minNucleusAreaPx: params.minNucleusAreaUm2 / (mpp * mpp),
    maxNucleusAreaPx: params.maxNucleusAreaUm2 / (mpp * mpp),
    splitMinRadiusPx: px(params.splitMinRadiusUm),
    splitMinDistancePx: px(params.splitMinDistanceUm),
    splitDeepPeakPx: px(params.splitDeepPeakUm),
    lobeMaxAreaPx: params.lobeMaxAreaUm2 / (mpp * mpp),
    lobeElongatedMaxAreaPx: params.lobeElongatedMaxAreaUm2 / (mpp * mpp),
    lobeGapPx: px(params.lobeGapUm),
    lobedNucleusMaxAreaPx: params.lobedNucleusMaxAreaUm2 / (mpp * mpp),
    cytoplasmMaxWidthPx: px(params.cytoplasmMaxWidthUm),
  };
}
