import sharp from 'sharp';
import type { OpenSlideHandle } from '../../../native/lib/types.js';
import type { Detection } from '../../shared/domain/Detection.js';
import { pointInRect, pointInRing, type Point } from '../../shared/domain/geometry.js';
import type { EnsemblePrediction } from '../../shared/domain/EnsemblePrediction.js';
import type { CellDetector } from '../detect/CellDetector.js';
import type { CellCrop } from '../infer/CellCrop.js';
import type { AnalyzedCell } from './AnalyzedCell.js';
import { cutCrop } from './cutCrop.js';
import { readRegionCanvas, type Rect } from './readRegionCanvas.js';

/** What analysing a region needs: the slide, a detector, and something that classifies crops. */
export interface RegionAnalysisDeps {
  readonly slide: OpenSlideHandle;
  readonly slideMpp: number;
  readonly detector: CellDetector;
  readonly classifier: { classify(crops: readonly CellCrop[]): Promise<EnsemblePrediction[]> };
  /** Model input: crop side in px and µm/px. */
  readonly input: { readonly size: number; readonly micronsPerPixel: number };
  /** JPEG quality of stored crops (default 90: crops are small and reviewers look closely). */
  readonly cropQuality?: number;
}

/** A region to analyse: its level-0 bounding rectangle and, for polygons, the ring that decides membership. */
export interface AnalysisRegion {
  readonly id: number;
  readonly rect: Rect;
  /** Level-0 outer ring; absent for rectangles. */
  readonly polygon?: readonly Point[];
}

/** Timings of one region in ms, for the benchmark's breakdown. */
export interface RegionTimings {
  read: number;
  detect: number;
  crop: number;
  classify: number;
}

/** A region read, its cells detected and cropped, not yet classified. */
export interface PreparedRegion {
  readonly region: AnalysisRegion;
  readonly detections: readonly Detection[];
  readonly crops: readonly CellCrop[];
  readonly jpegs: readonly Uint8Array[];
}

/**
 * Reads a region at the model's µm/px with a margin of half a crop, detects nucleated cells, keeps
 * those whose centroid lies inside the region (so a cell on a shared border belongs to exactly one
 * region) and cuts a padded crop around each.
 */
export async function prepareRegion(deps: RegionAnalysisDeps, region: AnalysisRegion, timings?: RegionTimings): Promise<PreparedRegion> {
  const size = deps.input.size;
  const t = performance.now();
  const canvas = await readRegionCanvas(deps.slide, region.rect, deps.slideMpp, deps.input.micronsPerPixel, Math.ceil(size / 2) + 4);
  const t1 = performance.now();
  const detections = await deps.detector.detect(
    { data: canvas.data, width: canvas.width, height: canvas.height, channels: 3 },
    { micronsPerPixel: canvas.micronsPerPixel },
    { x: canvas.originX, y: canvas.originY, downsample: canvas.scale },
  );
  const t2 = performance.now();
  const inside = detections.filter((d) => insideRegion(region, d.centroid.x, d.centroid.y)).sort(byPosition);
  const crops: CellCrop[] = inside.map((d) => ({ data: cutCrop(canvas, d.centroid.x, d.centroid.y, size), width: size, height: size, micronsPerPixel: deps.input.micronsPerPixel }));
  const jpegs = await Promise.all(
    crops.map(async (c) => new Uint8Array(await sharp(c.data, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: deps.cropQuality ?? 90 }).toBuffer())),
  );
  if (timings) {
    timings.read += t1 - t;
    timings.detect += t2 - t1;
    timings.crop += performance.now() - t2;
  }
  return { region, detections: inside, crops, jpegs };
}

/**
 * Classifies the crops of several prepared regions in ONE ensemble call (onnxruntime runs a batch
 * of 64 far faster per cell than a region's dozen or so) and returns each region's cells.
 */
export async function classifyPrepared(deps: RegionAnalysisDeps, prepared: readonly PreparedRegion[], timings?: RegionTimings): Promise<AnalyzedCell[][]> {
  const t = performance.now();
  const predictions = await deps.classifier.classify(prepared.flatMap((p) => p.crops));
  if (timings) timings.classify += performance.now() - t;
  let k = 0;
  return prepared.map((p) => p.detections.map((detection, i) => ({ indexInRegion: i, detection, cropJpeg: p.jpegs[i]!, prediction: predictions[k++]! })));
}

/** The region's rectangle (half-open), then its polygon for polygon regions. */
export function insideRegion(region: AnalysisRegion, x: number, y: number): boolean {
  const p = { x, y };
  return pointInRect(p, region.rect) && (!region.polygon || pointInRing(p, region.polygon));
}

// Deterministic order (top to bottom, left to right) so a re-run numbers a region's cells identically.
function byPosition(a: Detection, b: Detection): number {
  return a.centroid.y - b.centroid.y || a.centroid.x - b.centroid.x;
}
