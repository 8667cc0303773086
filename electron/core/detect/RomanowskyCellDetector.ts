import { randomUUID } from 'node:crypto';
import type { Detection } from '../../shared/domain/Detection.js';
import { AppError } from '../../shared/errors/AppError.js';
import { IMAGE_ORIGIN, type CellDetector, type DetectorCalibration, type DetectorImage, type DetectorOrigin } from './CellDetector.js';
import { resolveDetectionParams, toPixelParams, type DetectionParams, type PixelParams } from './DetectionParams.js';
import { estimateGlass, nuclearStain, toRgb, type GlassColour } from './nuclearStain.js';
import { loadOpenCv, withMats, type Cv } from './opencv.js';
import { pointsBounds } from '../../shared/domain/geometry.js';
import { circularity, momentElongation, outlineArea, outlinePerimeter, workingToLevel0, type XY } from './outlineMath.js';
import { pickSeeds } from './pickSeeds.js';
import { growBreadthFirst, seededWatershed } from './seededWatershed.js';
import { chamferDistance, close, dilate, downsampleRgb, fillHoles, gaussianBlur, labelComponents, open } from './binaryMorphology.js';
import { mergeLobes, mergeShallowSplits } from './mergeRegions.js';
import { adaptiveStainThreshold } from './adaptiveStainThreshold.js';

type Mat = InstanceType<Cv['Mat']>;
type Track = <M extends { delete(): void }>(m: M) => M;

/** Detector name and version recorded on every detection and in run provenance. */
export const ROMANOWSKY_DETECTOR_NAME = 'romanowsky-classical@1';

/**
 * Classical nucleated-cell detector for Romanowsky-stained smears:
 * nuclear-stain channel (OD_G − OD_B, see nuclearStain.ts) → Gaussian smoothing → adaptive
 * threshold (adaptiveStainThreshold.ts) → open (specks) → close (bridges within a nucleus) → fill
 * small holes → distance-transform seeds + priority-flood watershed to split touching nuclei,
 * merging splits whose saddle is shallow → group lobe-like pieces into one cell → reject by area
 * and elongation (µm², µm) → grow each nucleus into its bluish cytoplasm for the cell centroid →
 * outline, bounds, measurements. Red cells fall below the stain threshold; platelets and debris
 * below the area limit or above the elongation limit. Pixel loops are plain TypeScript
 * (binaryMorphology.ts says why); OpenCV.js does the contour geometry.
 */
export class RomanowskyCellDetector implements CellDetector {
  readonly name = ROMANOWSKY_DETECTOR_NAME;
  readonly params: DetectionParams;

  constructor(params: Partial<DetectionParams> = {}) {
    this.params = resolveDetectionParams(params);
  }

  async detect(image: DetectorImage, calibration: DetectorCalibration, origin: DetectorOrigin = IMAGE_ORIGIN): Promise<Detection[]> {
    checkInput(image, calibration, origin);
    const cv = await loadOpenCv();
    const px = toPixelParams(this.params, calibration.micronsPerPixel);
    try {
      return withMats((track) => detectInMats(cv, track, image, px, this.params, origin, this.name));
    } catch (err) {
      if (err instanceof AppError) throw err;
      // OpenCV.js throws bare numbers (C++ exception pointers) or Errors: report them coded.
      throw new AppError('ANALYSIS_FAILED', `Cell detection failed in OpenCV: ${describeCvError(cv, err)}`);
    }
  }
}

function checkInput(image: DetectorImage, calibration: DetectorCalibration, origin: DetectorOrigin): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new AppError('VALIDATION_FAILED', `Expected positive integer image width and height but received ${width}×${height}`);
  }
  if (channels !== 3 && channels !== 4) {
    throw new AppError('VALIDATION_FAILED', `Expected 3 (RGB) or 4 (RGBA) channels for image.channels but received ${String(channels)}`);
  }
  if (data.length !== width * height * channels) {
    throw new AppError('VALIDATION_FAILED', `Expected ${width * height * channels} bytes for a ${width}×${height}×${channels} image but received ${data.length}`);
  }
  const mpp = calibration.micronsPerPixel;
  if (!(Number.isFinite(mpp) && mpp > 0)) {
    throw new AppError('VALIDATION_FAILED', `Expected a positive number for calibration.micronsPerPixel but received ${String(mpp)}`);
  }
  if (![origin.x, origin.y].every(Number.isFinite) || !(Number.isFinite(origin.downsample) && origin.downsample > 0)) {
    throw new AppError('VALIDATION_FAILED', `Expected finite origin.x/y and a positive origin.downsample but received ${JSON.stringify(origin)}`);
  }
}

function describeCvError(cv: Cv, err: unknown): string {
  if (typeof err === 'number') {
    const fn = (cv as unknown as { exceptionFromPtr?: (p: number) => { msg?: string } }).exceptionFromPtr;
    return fn ? (fn(err).msg ?? `exception ${err}`) : `exception ${err}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function detectInMats(
  cv: Cv,
  track: Track,
  image: DetectorImage,
  px: PixelParams,
  params: DetectionParams,
  origin: DetectorOrigin,
  detectorName: string,
): Detection[] {
  const inputRgb = toRgb(image.data, image.width * image.height, image.channels);
  // Integer box downsampling to about the working µm/px: cheap, and exact to map back.
  const k = px.downsample;
  const { rgb, width: W, height: H } = downsampleRgb(inputRgb, image.width, image.height, k);
  const pxAt = px;
  const n = W * H;

  const glass = estimateGlass(rgb, n);
  const smooth = gaussianBlur(nuclearStain(rgb, n, glass), W, H, pxAt.smoothingSigmaPx);
  const threshold = adaptiveStainThreshold(rgb, smooth, glass, params);
  let mask: Uint8Array = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = smooth[i]! > threshold ? 255 : 0;
  mask = open(mask, W, H, pxAt.openingRadiusPx);
  const pieceLabels = labelComponents(mask, W, H, 8).labels;
  mask = close(mask, W, H, pxAt.closingRadiusPx);
  fillHoles(mask, W, H, pxAt.minNucleusAreaPx);

  // Split touching nuclei: seeds at distance-transform peaks, watershed between them.
  const dist = chamferDistance(mask, W, H, true);
  const blobs = labelComponents(mask, W, H, 8);
  const seeds = pickSeeds(dist, blobs.labels, W, H, blobs.count, {
    minRadius: pxAt.splitMinRadiusPx,
    minDistance: pxAt.splitMinDistancePx,
    peakFraction: params.splitPeakFraction,
  });
  // Every blob has at least one seed; watershed only matters where a blob has several.
  let labels: Int32Array = blobs.labels;
  let labelCount = blobs.count;
  if (seeds.length > blobs.count - 1) {
    labels = new Int32Array(n);
    seeds.forEach((seed, i) => {
      labels[seed.y * W + seed.x] = i + 1;
    });
    seededWatershed(labels, dist, mask, W, H);
    const peaks = new Float32Array(seeds.length + 1);
    seeds.forEach((seed, i) => {
      peaks[i + 1] = seed.depth;
    });
    ({ labels, count: labelCount } = mergeShallowSplits(labels, dist, peaks, W, H, params.splitSaddleFraction, {
      minPeak: pxAt.splitDeepPeakPx,
      fraction: params.splitSaddleFractionDeep,
    }));
  }
  ({ labels, count: labelCount } = groupLobes(labels, labelCount, W, H, pxAt, params));
  return measureObjects(cv, track, {
    labels,
    labelCount,
    pieceLabels,
    rgb,
    glass,
    stain: smooth,
    W,
    H,
    scaleX: 1 / k,
    scaleY: 1 / k,
    px: pxAt,
    params,
    origin,
    detectorName,
    imageWidth: image.width,
    imageHeight: image.height,
  });
}

/**
 * Joins nearby lobe-like pieces (lobes of a segmented or band nucleus) into one object; see
 * mergeLobes. A piece is lobe-like when it is small (< lobeMaxAreaUm2), or mid-sized but elongated
 * (< lobeElongatedMaxAreaUm2 and moment elongation ≥ lobeMinElongation): neutrophil and eosinophil
 * lobes are sausage- or bean-shaped, whereas the round nuclei of neighbouring marrow cells are not.
 */
function groupLobes(labels: Int32Array, count: number, W: number, H: number, px: PixelParams, params: DetectionParams): { labels: Int32Array; count: number } {
  if (px.lobeGapPx < 0.5 || count < 3) return { labels, count };
  const areas = new Float64Array(count);
  const sx = new Float64Array(count);
  const sy = new Float64Array(count);
  const sxx = new Float64Array(count);
  const syy = new Float64Array(count);
  const sxy = new Float64Array(count);
  for (let i = 0; i < W * H; i++) {
    const l = labels[i]!;
    if (l <= 0) continue;
    const x = i % W;
    const y = (i - x) / W;
    areas[l]!++;
    sx[l]! += x;
    sy[l]! += y;
    sxx[l]! += x * x;
    syy[l]! += y * y;
    sxy[l]! += x * y;
  }
  const lobeLike = new Uint8Array(count);
  let any = 0;
  for (let l = 1; l < count; l++) {
    const a = areas[l]!;
    if (a <= 0) continue;
    if (a < px.lobeMaxAreaPx) lobeLike[l] = 1;
    else if (a < px.lobeElongatedMaxAreaPx && momentElongation(a, sx[l]!, sy[l]!, sxx[l]!, syy[l]!, sxy[l]!) >= params.lobeMinElongation) lobeLike[l] = 1;
    any += lobeLike[l]!;
  }
  if (any === 0) return { labels, count };
  const small = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) if (lobeLike[labels[i]!]) small[i] = 255;
  const comps = labelComponents(dilate(small, W, H, px.lobeGapPx / 2), W, H, 8).labels;
  const group = new Int32Array(count);
  for (let i = 0; i < W * H; i++) {
    const l = labels[i]!;
    if (l > 0 && lobeLike[l]) group[l] = comps[i]!;
  }
  return mergeLobes(labels, count, areas, group, px.lobedNucleusMaxAreaPx);
}

/**
 * Grows each kept nucleus into its cytoplasm: breadth-first over stained, bluish pixels
 * (OD_red − OD_blue above cytoplasmThreshold, i.e. cytoplasm that absorbs red like the basophilic
 * cytoplasm of plasma cells, lymphocytes and precursors; pink red cells absorb blue instead), at
 * most cytoplasmMaxWidthUm from the nucleus, neighbours competing (first come, first served).
 * Returns per nucleus label the cell's pixel count and coordinate sums (pixel centres).
 */
function growCells(inp: MeasureInput, keptLabels: readonly number[]): Map<number, { count: number; sx: number; sy: number }> {
  const { W, H, rgb, glass, params, px } = inp;
  const n = W * H;
  const keep = new Uint8Array(inp.labelCount);
  for (const l of keptLabels) keep[l] = 1;
  const labels = new Int32Array(n);
  const allowed = new Uint8Array(n);
  const offset = Math.log(glass.r + 1) - Math.log(glass.b + 1);
  const bright = 0.9 * (glass.r + glass.g + glass.b);
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const l = inp.labels[i]!;
    if (l > 0) {
      if (keep[l]) labels[i] = l;
      continue;
    }
    const r = rgb[p]!;
    const b = rgb[p + 2]!;
    if (r + rgb[p + 1]! + b < bright && Math.log(b + 1) - Math.log(r + 1) + offset > params.cytoplasmThreshold) allowed[i] = 1;
  }
  growBreadthFirst(labels, allowed, W, H, px.cytoplasmMaxWidthPx);
  const out = new Map<number, { count: number; sx: number; sy: number }>();
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l <= 0) continue;
    const c = out.get(l) ?? { count: 0, sx: 0, sy: 0 };
    const x = i % W;
    c.count++;
    c.sx += x + 0.5;
    c.sy += (i - x) / W + 0.5;
    out.set(l, c);
  }
  return out;
}

interface MeasureInput {
  readonly labels: Int32Array;
  readonly labelCount: number;
  readonly pieceLabels: Int32Array;
  readonly rgb: Uint8Array;
  readonly glass: GlassColour;
  readonly stain: Float32Array;
  readonly W: number;
  readonly H: number;
  readonly scaleX: number;
  readonly scaleY: number;
  readonly px: PixelParams;
  readonly params: DetectionParams;
  readonly origin: DetectorOrigin;
  readonly detectorName: string;
  readonly imageWidth: number;
  readonly imageHeight: number;
}

interface ObjectStats {
  count: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  r: number;
  g: number;
  b: number;
  stain: number;
  pieces: Set<number>;
}

/** Turns labelled objects into Detections, dropping those outside the µm² / shape limits. */
function measureObjects(cv: Cv, track: Track, inp: MeasureInput): Detection[] {
  const { labels, W, H, px, params } = inp;
  const stats: (ObjectStats | undefined)[] = new Array(inp.labelCount);
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i++) {
      const l = labels[i]!;
      if (l <= 0) continue;
      let s = stats[l];
      if (!s) {
        s = { count: 0, x0: x, y0: y, x1: x, y1: y, r: 0, g: 0, b: 0, stain: 0, pieces: new Set() };
        stats[l] = s;
      }
      s.count++;
      if (x < s.x0) s.x0 = x;
      if (x > s.x1) s.x1 = x;
      if (y < s.y0) s.y0 = y;
      if (y > s.y1) s.y1 = y;
      s.r += inp.rgb[3 * i]!;
      s.g += inp.rgb[3 * i + 1]!;
      s.b += inp.rgb[3 * i + 2]!;
      s.stain += inp.stain[i]!;
      const piece = inp.pieceLabels[i]!;
      if (piece > 0) s.pieces.add(piece);
    }
  }
  const um2 = px.micronsPerPixel * px.micronsPerPixel;
  const kept: { label: number; s: ObjectStats; shape: Shape }[] = [];
  for (let l = 1; l < inp.labelCount; l++) {
    const s = stats[l];
    if (!s || s.count > px.maxNucleusAreaPx) continue;
    const atEdge = s.x0 === 0 || s.y0 === 0 || s.x1 === W - 1 || s.y1 === H - 1;
    if (s.count < px.minNucleusAreaPx * (atEdge ? params.edgeMinAreaFraction : 1)) continue;
    const shape = objectShape(cv, track, labels, l, s, W);
    if (!shape || shape.elongation > params.maxElongation) continue;
    kept.push({ label: l, s, shape });
  }
  const cells = growCells(inp, kept.map((k) => k.label));
  const toL0 = (p: XY): XY => workingToLevel0(p, inp.scaleX, inp.scaleY, inp.origin);
  const detections: Detection[] = [];
  for (const { label: l, s, shape } of kept) {
    const cell = cells.get(l);
    // The cell centroid (nucleus + grown cytoplasm) is what a crop should centre on; an
    // eccentric nucleus (plasma cells, myelocytes) sits microns away from it.
    const centre = cell ? { x: cell.sx / cell.count, y: cell.sy / cell.count } : shape.centroid;
    const centroid = toL0(centre);
    // Keep only cells whose centroid lies in this image, so tiled reads never count a cell twice.
    const cx = centre.x / inp.scaleX;
    const cy = centre.y / inp.scaleY;
    if (cx < 0 || cy < 0 || cx >= inp.imageWidth || cy >= inp.imageHeight) continue;
    const outline = shape.ring.map(toL0);
    const perimeterUm = outlinePerimeter(shape.ring) * px.micronsPerPixel;
    const areaUm2 = s.count * um2;
    detections.push({
      id: randomUUID(),
      centroid,
      bounds: pointsBounds(outline),
      outline,
      classification: null,
      detector: inp.detectorName,
      measurements: {
        nucleusAreaUm2: round(areaUm2, 2),
        nucleusPerimeterUm: round(perimeterUm, 2),
        nucleusCircularity: round(circularity(outlineArea(shape.ring) * um2, perimeterUm), 4),
        nucleusSolidity: round(shape.solidity, 4),
        nucleusElongation: round(shape.elongation, 3),
        nucleusPieces: Math.max(1, s.pieces.size),
        cellAreaUm2: cell ? round(cell.count * um2, 2) : null,
        meanRed: round(s.r / s.count, 1),
        meanGreen: round(s.g / s.count, 1),
        meanBlue: round(s.b / s.count, 1),
        meanNuclearStain: round(s.stain / s.count, 4),
      },
    });
  }
  detections.sort((a, b) => a.centroid.y - b.centroid.y || a.centroid.x - b.centroid.x);
  return detections;
}

/** contourArea (mirada types it as Size; it returns a number). */
function area(cv: Cv, contour: Mat): number {
  return cv.contourArea(contour) as unknown as number;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

interface Shape {
  readonly ring: XY[];
  readonly centroid: XY;
  readonly solidity: number;
  readonly elongation: number;
}

/** Outline (largest external contour), pixel centroid, solidity and elongation of one labelled object. */
function objectShape(cv: Cv, track: Track, labels: Int32Array, label: number, s: ObjectStats, W: number): Shape | null {
  const bw = s.x1 - s.x0 + 3;
  const bh = s.y1 - s.y0 + 3;
  const obj = track(cv.Mat.zeros(bh, bw, cv.CV_8UC1));
  const od = obj.data;
  let sx = 0;
  let sy = 0;
  for (let y = s.y0; y <= s.y1; y++) {
    for (let x = s.x0; x <= s.x1; x++) {
      if (labels[y * W + x] === label) {
        od[(y - s.y0 + 1) * bw + (x - s.x0 + 1)] = 255;
        sx += x + 0.5;
        sy += y + 0.5;
      }
    }
  }
  const contours = track(new cv.MatVector());
  const hierarchy = track(new cv.Mat());
  cv.findContours(obj, contours, hierarchy, cv.RETR_EXTERNAL, cv.CHAIN_APPROX_NONE);
  let best: Mat | null = null;
  let bestArea = -1;
  const allPoints: number[] = [];
  const parts = contours.size() as unknown as number;
  for (let i = 0; i < parts; i++) {
    const c = track(contours.get(i));
    const a = area(cv, c);
    if (parts > 1) allPoints.push(...c.data32S);
    if (a > bestArea) {
      bestArea = a;
      best = c;
    }
  }
  if (!best) return null;
  // Several pieces (lobes joined by groupLobes): the outline is their convex hull.
  if (parts > 1) best = track(cv.matFromArray(allPoints.length / 2, 1, cv.CV_32SC2, allPoints));
  const approx = track(new cv.Mat());
  if (parts > 1) cv.convexHull(best, approx, false, true);
  else cv.approxPolyDP(best, approx, 0.7, true);
  const pts = approx.data32S;
  const ring: XY[] = [];
  // Contour points are pixel indices; +0.5 puts them on pixel centres in edge coordinates.
  for (let i = 0; i + 1 < pts.length; i += 2) ring.push({ x: pts[i]! + s.x0 - 1 + 0.5, y: pts[i + 1]! + s.y0 - 1 + 0.5 });
  if (ring.length < 3) return null;
  const hull = track(new cv.Mat());
  cv.convexHull(best, hull, false, true);
  const hullArea = area(cv, hull);
  const rect = cv.minAreaRect(best);
  const longSide = Math.max(rect.size.width, rect.size.height);
  const shortSide = Math.max(1, Math.min(rect.size.width, rect.size.height));
  return {
    ring,
    centroid: { x: sx / s.count, y: sy / s.count },
    solidity: hullArea > 0 ? Math.min(1, s.count / (hullArea + 0.5 * outlinePerimeter(ring))) : 1,
    elongation: longSide / shortSide,
  };
}
