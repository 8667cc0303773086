import { AppError } from '../../shared/errors/AppError.js';
import type { Rect } from '../../shared/domain/geometry.js';
import { rectRing, tilePolygons } from '../../shared/domain/geometry.js';
import type { PixelCalibration } from '../../shared/domain/PixelCalibration.js';
import { calibrationFromProperties, requireCalibration } from '../../shared/domain/PixelCalibration.js';
import type { RegionMeasurements, RegionProposal, Roi } from '../../shared/domain/Roi.js';
import { classifyStain, DEFAULT_STAIN_THRESHOLDS, STAIN, type StainThresholds } from './classifyStain.js';
import { DEFAULT_NUCLEUS_SIZES, type NucleusSizes } from './measureRegion.js';
import { focusAt, measureSlideRegion } from './measureSlideRegion.js';
import { readScaled, type SlideReader } from './readScaled.js';
import { DEFAULT_SCORING, scoreRegion, type ScoringParameters } from './scoreRegion.js';
import { suppressNonMaxima } from './suppressNonMaxima.js';

/** Options for {@link proposeRegions}; every length is in µm so results mean the same on any scanner. */
export interface ProposeRegionsOptions {
  /** How many regions to return at most. Default 10. */
  readonly count?: number;
  /** Region edge in level-0 px (DeepHeme reads 512×512 level-0 regions). Default 512. */
  readonly tileSize?: number;
  /** Only look inside these regions (tiles whose centre is inside); default the whole slide. */
  readonly within?: readonly Roi[];
  /** Resolution of the whole-slide view used to find the smear (µm/px). Default 8. */
  readonly overviewMpp?: number;
  /** Resolution at which each candidate is measured (µm/px; 1–2 is cheap and still resolves nuclei). Default 1. */
  readonly analysisMpp?: number;
  /** Side of the full-resolution square sampled at each finalist's centre for the focus check (µm). Default 64. */
  readonly focusSampleUm?: number;
  /** Candidates need at least this smear fraction in the overview. Default 0.5. */
  readonly minSmearFraction?: number;
  /** At most this many candidates are read at `analysisMpp` (the most stained ones in the overview); bounds the time on big slides. Default 400. */
  readonly maxCandidates?: number;
  /** Proposals scoring below this total are not returned, even when fewer than `count` remain. Default 0.25. */
  readonly minScore?: number;
  /** Proposals' centres at least this far apart (µm), so they spread over the smear. Default 256. */
  readonly minSeparationUm?: number;
  /**
   * µm per level-0 px to ASSUME when the slide has no calibration. Without it such a slide is
   * CALIBRATION_MISSING; with it the result says `calibration.assumed: true`.
   */
  readonly assumedMpp?: number;
  readonly stain?: Partial<StainThresholds>;
  readonly nucleus?: Partial<NucleusSizes>;
  readonly scoring?: Partial<ScoringParameters>;
}

/** The proposals and how they were made. */
export interface RegionProposalResult {
  /** Best first; at most `count`. */
  readonly proposals: readonly RegionProposal[];
  /** µm per level-0 px used; `assumed` is true when it came from `assumedMpp`, not the slide. */
  readonly calibration: { readonly x: number; readonly y: number; readonly assumed: boolean };
  /** Tiles with enough smear in the overview, and how many of them were measured. */
  readonly candidateCount: number;
  readonly measuredCount: number;
  /** Smear fraction of the whole slide in the overview (0..1). */
  readonly smearFraction: number;
  /** The Laplacian variance that counted as sharp (median of the focus-checked finalists), or null when none were. */
  readonly focusReference: number | null;
}

interface Candidate {
  readonly rect: Rect;
  readonly smear: number;
  /** Nuclear-stained fraction in the overview: a cheap first ranking when there are too many candidates. */
  readonly stain: number;
}

interface Measured {
  readonly rect: Rect;
  readonly measurements: RegionMeasurements;
  readonly score: number;
}

/**
 * Proposes regions of an aspirate smear to count cells in (DeepHeme-like): finds the smear in a
 * low-resolution view (not glass, not black or pen), tiles it into `tileSize` level-0 regions,
 * measures each at `analysisMpp` (nucleated-cell density, dark overlap, red-cell share), checks focus
 * at full resolution on a small sample of the best, and keeps the best `count` spread apart by NMS.
 * Deterministic for a given slide and options. Throws CALIBRATION_MISSING on an uncalibrated slide
 * unless `assumedMpp` is given.
 */
export async function proposeRegions(slide: SlideReader, options: ProposeRegionsOptions = {}): Promise<RegionProposalResult> {
  const count = options.count ?? 10;
  const tileSize = options.tileSize ?? 512;
  const stain = { ...DEFAULT_STAIN_THRESHOLDS, ...options.stain };
  const nucleus = { ...DEFAULT_NUCLEUS_SIZES, ...options.nucleus };
  const scoring = { ...DEFAULT_SCORING, ...options.scoring };
  const calibration = calibrationOf(slide, options.assumedMpp);
  const mpp = (calibration.x + calibration.y) / 2;
  const level0 = slide.levels[0];
  if (!level0) throw new AppError('SLIDE_READ_FAILED', 'The slide has no levels');
  const bounds: Rect = { x: 0, y: 0, width: level0.width, height: level0.height };

  // 1. Overview: where the smear is.
  const overviewDs = Math.max(1, (options.overviewMpp ?? 8) / mpp);
  const overview = await readScaled(slide, bounds, overviewDs);
  const smear = smearMask(overview.data, overview.width, overview.height, stain);

  // 2. Candidate tiles on the slide-wide grid, with enough smear.
  const tiles = options.within?.length
    ? dedupe(options.within.flatMap((roi) => tilePolygons(roi.polygons, { tileSize, within: bounds })))
    : tilePolygons([{ exterior: rectRing(bounds), holes: [] }], { tileSize, within: bounds });
  const minSmear = options.minSmearFraction ?? 0.5;
  const candidates: Candidate[] = [];
  for (const rect of tiles) {
    const c = sampleOverview(smear, overview.width, overview.height, overview.downsampleX, overview.downsampleY, rect);
    if (c.smear >= minSmear) candidates.push({ rect, ...c });
  }
  const maxCandidates = options.maxCandidates ?? 400;
  const chosen = [...candidates].sort((a, b) => b.stain - a.stain || a.rect.y - b.rect.y || a.rect.x - b.rect.x).slice(0, maxCandidates);

  // 3. Measure each chosen candidate at a moderate resolution.
  const measureOptions = { mpp, analysisMpp: options.analysisMpp ?? 1, nucleus, stain, focusSampleUm: null };
  const measured: Measured[] = [];
  for (const { rect } of chosen) {
    const m = await measureSlideRegion(slide, rect, measureOptions);
    measured.push({ rect, measurements: m, score: scoreRegion(m, null, scoring).scores.total });
  }

  // 4. Focus at full resolution, on a small sample of the best (reading level 0 everywhere would be slow).
  const finalists = [...measured].sort(byScore).slice(0, Math.max(4 * count, 20));
  const samplePx = Math.max(16, Math.round((options.focusSampleUm ?? 64) / mpp));
  const focused: Measured[] = [];
  for (const f of finalists) {
    focused.push({ ...f, measurements: { ...f.measurements, laplacianVariance: await focusAt(slide, f.rect, samplePx) } });
  }
  const reference = median(focused.map((f) => f.measurements.laplacianVariance ?? 0));

  // 5. Final scores, spread out by NMS.
  const scored = focused.map((f) => {
    const { scores, reason } = scoreRegion(f.measurements, reference, scoring);
    return { rect: f.rect, measurements: f.measurements, scores, reason, score: scores.total };
  });
  const kept = suppressNonMaxima(
    scored.filter((s) => s.score > 0 && s.score >= (options.minScore ?? 0.25)),
    { limit: count, minCentreDistance: (options.minSeparationUm ?? 256) / mpp },
  );
  const proposals: RegionProposal[] = kept.map((k, i) => ({
    id: `proposal-${i + 1}`,
    rank: i + 1,
    rect: k.rect,
    scores: k.scores,
    measurements: k.measurements,
    reason: k.reason,
  }));
  return {
    proposals,
    calibration: { x: calibration.x, y: calibration.y, assumed: calibration.assumed },
    candidateCount: candidates.length,
    measuredCount: measured.length,
    smearFraction: smear.fraction,
    focusReference: reference,
  };
}

function calibrationOf(slide: SlideReader, assumedMpp: number | undefined): { x: number; y: number; assumed: boolean } {
  const calibration: PixelCalibration = calibrationFromProperties(slide.properties, slide.vendor);
  if (calibration.kind !== 'calibrated' && assumedMpp !== undefined) {
    if (!(Number.isFinite(assumedMpp) && assumedMpp > 0)) {
      throw new AppError('VALIDATION_FAILED', `Expected a number > 0 for options.assumedMpp but received ${assumedMpp}`);
    }
    return { x: assumedMpp, y: assumedMpp, assumed: true };
  }
  const { x, y } = requireCalibration(calibration, 'Region proposal');
  return { x, y, assumed: false };
}

/** The overview's smear mask: stained (not glass), not black (ink, debris), not green/blue pen. */
function smearMask(data: Uint8Array, width: number, height: number, t: StainThresholds): { mask: Uint8Array; nuclear: Uint8Array; fraction: number } {
  const stain = classifyStain(data, width, height, 4, t);
  const mask = new Uint8Array(width * height);
  const nuclear = new Uint8Array(width * height);
  let on = 0;
  for (let p = 0; p < mask.length; p++) {
    const r = data[p * 4] as number;
    const g = data[p * 4 + 1] as number;
    const b = data[p * 4 + 2] as number;
    const cls = stain.classes[p];
    const black = Math.max(r, g, b) < 40;
    // Romanowsky stains never make green dominant; marker pens (green, or blue-black) do.
    const pen = g > r + 20 && g > b + 10;
    if (cls !== STAIN.glass && !black && !pen) {
      mask[p] = 1;
      on++;
      if (cls === STAIN.nuclear) nuclear[p] = 1;
    }
  }
  return { mask, nuclear, fraction: mask.length ? on / mask.length : 0 };
}

function sampleOverview(
  smear: { mask: Uint8Array; nuclear: Uint8Array },
  width: number,
  height: number,
  dsX: number,
  dsY: number,
  rect: Rect,
): { smear: number; stain: number } {
  const x0 = Math.max(0, Math.floor(rect.x / dsX));
  const y0 = Math.max(0, Math.floor(rect.y / dsY));
  const x1 = Math.min(width, Math.max(x0 + 1, Math.round((rect.x + rect.width) / dsX)));
  const y1 = Math.min(height, Math.max(y0 + 1, Math.round((rect.y + rect.height) / dsY)));
  let on = 0;
  let nuc = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      on += smear.mask[y * width + x] as number;
      nuc += smear.nuclear[y * width + x] as number;
      n++;
    }
  }
  return n === 0 ? { smear: 0, stain: 0 } : { smear: on / n, stain: nuc / n };
}

function byScore(a: { score: number; rect: Rect }, b: { score: number; rect: Rect }): number {
  return b.score - a.score || a.rect.y - b.rect.y || a.rect.x - b.rect.x;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function dedupe(rects: readonly Rect[]): Rect[] {
  const seen = new Set<string>();
  return rects.filter((r) => {
    const k = `${r.x},${r.y}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
