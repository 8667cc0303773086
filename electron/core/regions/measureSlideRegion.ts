import type { Rect } from '../../shared/domain/geometry.js';
import type { RegionMeasurements } from '../../shared/domain/Roi.js';
import { DEFAULT_STAIN_THRESHOLDS, type StainThresholds } from './classifyStain.js';
import { DEFAULT_NUCLEUS_SIZES, measureRegion, type NucleusSizes } from './measureRegion.js';
import { readScaled, type SlideReader } from './readScaled.js';
import { varianceOfLaplacian } from './varianceOfLaplacian.js';

/** How to measure a region of a slide. */
export interface SlideMeasureOptions {
  /** µm per level-0 px of the slide. */
  readonly mpp: number;
  /** Resolution of the stain/nucleus measurement (µm/px). Default 1. */
  readonly analysisMpp?: number;
  /** Side of the full-resolution focus sample at the region's centre (µm), or null to skip focus. Default 64. */
  readonly focusSampleUm?: number | null;
  readonly nucleus?: NucleusSizes;
  readonly stain?: StainThresholds;
}

/**
 * Reads one level-0 rectangle at a moderate resolution and measures it (see measureRegion), then,
 * unless `focusSampleUm` is null, the variance of the Laplacian of a small full-resolution square at its centre.
 */
export async function measureSlideRegion(slide: SlideReader, rect: Rect, options: SlideMeasureOptions): Promise<RegionMeasurements> {
  const { mpp } = options;
  const img = await readScaled(slide, rect, Math.max(1, (options.analysisMpp ?? 1) / mpp));
  const m = measureRegion(img.data, img.width, img.height, mpp * img.downsampleX, options.nucleus ?? DEFAULT_NUCLEUS_SIZES, options.stain ?? DEFAULT_STAIN_THRESHOLDS);
  const sampleUm = options.focusSampleUm === undefined ? 64 : options.focusSampleUm;
  return sampleUm === null ? m : { ...m, laplacianVariance: await focusAt(slide, rect, Math.round(sampleUm / mpp)) };
}

/** Variance of the Laplacian of a `samplePx`-square level-0 read at the rectangle's centre. */
export async function focusAt(slide: SlideReader, rect: Rect, samplePx: number): Promise<number> {
  const s = Math.max(3, Math.min(samplePx, rect.width, rect.height));
  const x = Math.round(rect.x + (rect.width - s) / 2);
  const y = Math.round(rect.y + (rect.height - s) / 2);
  const img = await slide.readRegion({ x, y, level: 0, width: s, height: s });
  return varianceOfLaplacian(img.data, s, s, 4);
}
