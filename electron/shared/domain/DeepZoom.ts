/**
 * Deep Zoom grid math, pure. This is the ONE place where the two level numberings meet:
 *  - OpenSlide (and everything Marrowscope stores): level 0 = full resolution, larger index = smaller.
 *  - Deep Zoom / OpenSeadragon: dzLevel 0 = a 1×1 image, the LAST dzLevel = full resolution.
 * The geometry matches openslide-python's DeepZoomGenerator (limit_bounds=False), so tiles line up
 * with the reference implementation pixel for pixel: each dzLevel halves the previous one
 * (rounding up), tiles are `tileSize` px plus `overlap` px on each interior side, and a tile is
 * read from the best OpenSlide level and then resampled by the residual downsample (< 2 unless
 * the slide lacks smaller levels).
 */
import { AppError } from '../errors/AppError.js';
import type { Level } from './Level.js';

/** Size and tile counts of one Deep Zoom level. */
export interface DeepZoomLevel {
  readonly dzLevel: number;
  readonly width: number;
  readonly height: number;
  readonly cols: number;
  readonly rows: number;
  /** Level-0 pixels per pixel of this dzLevel (a power of two). */
  readonly downsample: number;
}

/** The whole Deep Zoom pyramid of a slide. */
export interface DeepZoomGrid {
  readonly tileSize: number;
  readonly overlap: number;
  /** Level-0 (= last dzLevel) dimensions. */
  readonly width: number;
  readonly height: number;
  /** Index 0 = 1×1 px; last = full resolution. */
  readonly levels: readonly DeepZoomLevel[];
}

/** Where one tile's pixels come from and what size it ends up. */
export interface TileSource {
  /** OpenSlide level to read from. */
  readonly level: number;
  /** Top-left in level-0 pixels. */
  readonly x: number;
  readonly y: number;
  /** Size to read, in pixels of `level`. */
  readonly width: number;
  readonly height: number;
  /** Final tile size in pixels (overlap included). */
  readonly outWidth: number;
  readonly outHeight: number;
  /** Read pixels per output pixel (1 = no resampling needed). */
  readonly residualDownsample: number;
}

/** Builds the Deep Zoom grid of a `width`×`height` slide: tiles of `tileSize` px, `overlap` px shared with each neighbour. */
export function deepZoomGrid(width: number, height: number, tileSize = 256, overlap = 0): DeepZoomGrid {
  for (const [name, v, min] of [
    ['width', width, 1],
    ['height', height, 1],
    ['tileSize', tileSize, 1],
    ['overlap', overlap, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min) throw new AppError('VALIDATION_FAILED', `Expected integer ≥ ${min} for deepZoom.${name} but received ${v}`);
  }
  const dims: [number, number][] = [[width, height]];
  let [w, h] = [width, height];
  while (w > 1 || h > 1) {
    w = Math.max(1, Math.ceil(w / 2));
    h = Math.max(1, Math.ceil(h / 2));
    dims.push([w, h]);
  }
  dims.reverse();
  const count = dims.length;
  const levels = dims.map(([lw, lh], dzLevel) => ({
    dzLevel,
    width: lw,
    height: lh,
    cols: Math.ceil(lw / tileSize),
    rows: Math.ceil(lh / tileSize),
    downsample: 2 ** (count - 1 - dzLevel),
  }));
  return { tileSize, overlap, width, height, levels };
}

/** The full-resolution dzLevel (the last one). */
export function maxDzLevel(grid: DeepZoomGrid): number {
  return grid.levels.length - 1;
}

/** OpenSlide level index → the dzLevel with the same nominal downsample (nearest power of two ≤ the level's downsample). */
export function dzLevelForSlideLevel(grid: DeepZoomGrid, levelDownsample: number): number {
  const steps = Math.max(0, Math.floor(Math.log2(levelDownsample) + 1e-9));
  return Math.max(0, maxDzLevel(grid) - steps);
}

/**
 * The OpenSlide level to read for a downsample, as openslide_get_best_level_for_downsample does:
 * the largest level whose downsample is ≤ the request (level 0 below 1, the last level above all).
 */
export function bestLevelForDownsample(levels: readonly Pick<Level, 'downsample'>[], downsample: number): number {
  if (levels.length === 0) throw new AppError('VALIDATION_FAILED', 'A slide needs at least one level');
  if (downsample < levels[0]!.downsample) return 0;
  for (let i = 1; i < levels.length; i++) {
    if (downsample < levels[i]!.downsample) return i - 1;
  }
  return levels.length - 1;
}

/** The level to read for a dzLevel and the residual downsample left to do by resampling. */
export function slideLevelForDzLevel(
  grid: DeepZoomGrid,
  levels: readonly Pick<Level, 'downsample'>[],
  dzLevel: number,
): { level: number; residualDownsample: number } {
  const dz = levelAt(grid, dzLevel);
  const level = bestLevelForDownsample(levels, dz.downsample);
  return { level, residualDownsample: dz.downsample / levels[level]!.downsample };
}

/**
 * The source region of tile (col, row) of `dzLevel`: which OpenSlide level to read, where (level 0),
 * how much (level pixels, clipped to the level), and the final tile size. Edge tiles are smaller.
 * Throws VALIDATION_FAILED for a tile outside the grid.
 */
export function tileSource(
  grid: DeepZoomGrid,
  levels: readonly Pick<Level, 'downsample' | 'width' | 'height'>[],
  dzLevel: number,
  col: number,
  row: number,
): TileSource {
  const dz = levelAt(grid, dzLevel);
  if (!Number.isInteger(col) || col < 0 || col >= dz.cols) {
    throw new AppError('VALIDATION_FAILED', `Expected column between 0 and ${dz.cols - 1} for tile.col at dzLevel ${dzLevel} but received ${col}`);
  }
  if (!Number.isInteger(row) || row < 0 || row >= dz.rows) {
    throw new AppError('VALIDATION_FAILED', `Expected row between 0 and ${dz.rows - 1} for tile.row at dzLevel ${dzLevel} but received ${row}`);
  }
  const { level, residualDownsample } = slideLevelForDzLevel(grid, levels, dzLevel);
  const slideLevel = levels[level]!;
  const axis = (t: number, tiles: number, zLimit: number, lLimit: number) => {
    const overlapBefore = t !== 0 ? grid.overlap : 0;
    const overlapAfter = t !== tiles - 1 ? grid.overlap : 0;
    const outSize = Math.min(grid.tileSize, zLimit - grid.tileSize * t) + overlapBefore + overlapAfter;
    const zStart = grid.tileSize * t - overlapBefore;
    const lStart = residualDownsample * zStart;
    // Round the start down and the size up, clipped to the level, as DeepZoomGenerator does.
    const l0 = Math.floor(slideLevel.downsample * lStart);
    const lSize = Math.min(Math.ceil(residualDownsample * outSize), lLimit - Math.ceil(lStart));
    return { l0, lSize: Math.max(1, lSize), outSize };
  };
  const ax = axis(col, dz.cols, dz.width, slideLevel.width);
  const ay = axis(row, dz.rows, dz.height, slideLevel.height);
  return {
    level,
    x: ax.l0,
    y: ay.l0,
    width: ax.lSize,
    height: ay.lSize,
    outWidth: ax.outSize,
    outHeight: ay.outSize,
    residualDownsample,
  };
}

/** The dzLevel whose larger side first reaches `maxSize` (the smallest level that is still sharp at that size). */
export function dzLevelForSize(grid: DeepZoomGrid, maxSize: number): number {
  for (const l of grid.levels) {
    if (Math.max(l.width, l.height) >= maxSize) return l.dzLevel;
  }
  return maxDzLevel(grid);
}

/** The DZI descriptor XML for OpenSeadragon (`Format` is the tile file extension). */
export function dziXml(grid: DeepZoomGrid, format: 'jpeg' | 'png' = 'jpeg'): string {
  const ext = format === 'jpeg' ? 'jpeg' : 'png';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="${ext}" Overlap="${grid.overlap}" TileSize="${grid.tileSize}">` +
    `<Size Width="${grid.width}" Height="${grid.height}"/></Image>\n`
  );
}

function levelAt(grid: DeepZoomGrid, dzLevel: number): DeepZoomLevel {
  const dz = Number.isInteger(dzLevel) ? grid.levels[dzLevel] : undefined;
  if (!dz) throw new AppError('VALIDATION_FAILED', `Expected dzLevel between 0 and ${grid.levels.length - 1} for tile.dzLevel but received ${dzLevel}`);
  return dz;
}
