import sharp from 'sharp';
import { chamferDistance, labelComponents } from './binaryMorphology.js';
import { pickSeeds } from './pickSeeds.js';
import { seededWatershed } from './seededWatershed.js';

/**
 * Readers for the labelled field datasets used to evaluate detection (../shared/data/fields):
 * TXL-PBC YOLO boxes and SegPC plasma-cell masks. Positions are in image pixels (edge coordinates).
 */

/** A TXL-PBC image source, recognised by its image size, with its µm/px. */
export interface TxlSource {
  readonly name: string;
  readonly micronsPerPixel: number;
  readonly sizes: readonly (readonly [number, number])[];
}

/**
 * The four TXL-PBC sources. Raabin, PBC and BCCD use the dataset README's µm/px; BCD has none and
 * is estimated from its red cells: median red-cell box 74 px on the train split for a ≈7.5 µm red
 * cell → 0.10 µm/px (the same rule gives 0.061 for Raabin, 0.105 for PBC and 0.078 for BCCD,
 * matching the README values). 366×369 images are PBC crops (red cells 73 px).
 */
export const TXL_SOURCES: readonly TxlSource[] = [
  { name: 'Raabin 575×575', micronsPerPixel: 0.06, sizes: [[575, 575]] },
  { name: 'PBC 360×363', micronsPerPixel: 0.1, sizes: [[360, 363], [366, 369]] },
  { name: 'BCCD 640×480', micronsPerPixel: 0.077, sizes: [[640, 480]] },
  { name: 'BCD 416×416', micronsPerPixel: 0.1, sizes: [[416, 416]] },
];

/** The source of a TXL-PBC image from its size; throws for a size no source has. */
export function txlSourceOf(width: number, height: number): TxlSource {
  const s = TXL_SOURCES.find((src) => src.sizes.some(([w, h]) => w === width && h === height));
  if (!s) throw new Error(`No TXL-PBC source has images of ${width}×${height}`);
  return s;
}

/**
 * Centres of the white-cell boxes (YOLO class 0) of one label file, in image px. A box repeated with
 * identical numbers is one cell labelled twice (one test file lists its single white cell six times and
 * every red cell twice), so repeats count once.
 */
export function readTxlWhiteCells(labelText: string, width: number, height: number): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  const seen = new Set<string>();
  for (const line of labelText.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/).map(Number);
    if (f.length < 5 || f.some((v) => !Number.isFinite(v))) continue;
    const key = f.slice(0, 5).join(' ');
    if (f[0] !== 0 || seen.has(key)) continue;
    seen.add(key);
    out.push({ x: f[1]! * width, y: f[2]! * height });
  }
  return out;
}

/** µm/px of the SegPC fields as re-packaged at 512×512 (red cells ≈ 37 px for ≈ 7.5 µm). */
export const SEGPC_MICRONS_PER_PIXEL = 0.2;

/** Components smaller than this are JPEG speckle in the masks, not cells (µm²). */
const MIN_PLASMA_CELL_AREA_UM2 = 8;

/** How to turn a SegPC mask into cells. */
export interface PlasmaCellOptions {
  readonly micronsPerPixel?: number;
  /**
   * false (default, the evaluation rule): one cell per connected component, so plasma cells that
   * touch in the mask count as ONE labelled cell at their joint centroid. true: components are also
   * split like touching nuclei (distance-transform peaks ≥ 3 µm deep and ≥ 6 µm apart, watershed).
   */
  readonly splitTouching?: boolean;
  /**
   * Points (image px, e.g. detected cell centroids): each truth then says whether one of them lies
   * inside its own pixels (`hitBy`: its mask component, or its part of one when split), a reading
   * of the rule that does not depend on where a merged component's centroid falls.
   */
  readonly points?: readonly { readonly x: number; readonly y: number }[];
}

/** One labelled plasma cell (or, with components, one mask component) in image px. */
export interface PlasmaCellTruth {
  readonly x: number;
  readonly y: number;
  readonly areaPx: number;
  /** How many cells the split rule finds in this cell's mask component (1: an isolated cell). */
  readonly cellsInComponent: number;
  /** With `points`: whether one of them lies inside this truth's pixels. */
  readonly hitBy?: boolean;
}

/**
 * Plasma-cell centroids from a SegPC mask (JPEG): pixels > 127, 8-connected components, each
 * component's pixel centroid (optionally split where cells touch, see PlasmaCellOptions).
 */
export async function readPlasmaCells(maskFile: string, options: PlasmaCellOptions = {}): Promise<PlasmaCellTruth[]> {
  const mpp = options.micronsPerPixel ?? SEGPC_MICRONS_PER_PIXEL;
  const { data, info } = await sharp(maskFile).greyscale().raw().toBuffer({ resolveWithObject: true });
  const W = info.width;
  const H = info.height;
  const mask = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) mask[i] = data[i * info.channels]! > 127 ? 255 : 0;
  const comps = labelComponents(mask, W, H, 8);
  const dist = chamferDistance(mask, W, H, true);
  const seeds = pickSeeds(dist, comps.labels, W, H, comps.count, { minRadius: 3 / mpp, minDistance: 6 / mpp, peakFraction: 0.5 });
  // Cells per component by the split rule: merged masks join touching cells into one component.
  const perComponent = new Int32Array(comps.count);
  for (const seed of seeds) perComponent[comps.labels[seed.y * W + seed.x]!]!++;
  let labels = comps.labels;
  let count = comps.count;
  if (options.splitTouching) {
    labels = new Int32Array(W * H);
    seeds.forEach((seed, k) => {
      labels[seed.y * W + seed.x] = k + 1;
    });
    seededWatershed(labels, dist, mask, W, H);
    count = seeds.length + 1;
  }
  const n = new Float64Array(count);
  const sx = new Float64Array(count);
  const sy = new Float64Array(count);
  const component = new Int32Array(count);
  for (let i = 0; i < W * H; i++) {
    const l = labels[i]!;
    if (l <= 0) continue;
    const x = i % W;
    n[l]!++;
    sx[l]! += x + 0.5;
    sy[l]! += (i - x) / W + 0.5;
    component[l] = comps.labels[i]!;
  }
  const hit = new Uint8Array(count);
  for (const p of options.points ?? []) {
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    if (x >= 0 && y >= 0 && x < W && y < H && labels[y * W + x]! > 0) hit[labels[y * W + x]!] = 1;
  }
  const minArea = MIN_PLASMA_CELL_AREA_UM2 / (mpp * mpp);
  const out: PlasmaCellTruth[] = [];
  for (let l = 1; l < count; l++) {
    if (n[l]! < minArea) continue;
    const truth = { x: sx[l]! / n[l]!, y: sy[l]! / n[l]!, areaPx: n[l]!, cellsInComponent: Math.max(1, perComponent[component[l]!]!) };
    out.push(options.points ? { ...truth, hitBy: hit[l] === 1 } : truth);
  }
  return out;
}
