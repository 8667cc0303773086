import type { OpenSlideHandle } from '../../../native/lib/types.js';
import type { Detection } from '../../shared/domain/Detection.js';
import type { Roi } from '../../shared/domain/Roi.js';
import { pointInPolygons, pointInRect, tilePolygons } from '../../shared/domain/geometry.js';
import { readRegionCanvas } from '../analysis/readRegionCanvas.js';
import type { CellDetector } from './CellDetector.js';

/** Options for {@link detectInRois}. */
export interface DetectInRoisOptions {
  /** Level-0 tile edge for reads (DeepHeme's 512). */
  readonly tileSize?: number;
  /** Margin read around each tile so cells on a tile border are seen whole, µm. */
  readonly marginUm?: number;
  /** Called after each tile with (done, total). */
  readonly onTile?: (done: number, total: number) => void;
}

/**
 * Detects cells inside regions of interest of a slide at full resolution: the regions' bounding
 * boxes are tiled on a slide-wide grid, each tile is read with a margin, and a cell is kept when its
 * centroid lies in that tile (so a cell on a tile border is counted once) and inside a region.
 */
export async function detectInRois(
  slide: OpenSlideHandle,
  micronsPerPixel: number,
  rois: readonly Roi[],
  detector: CellDetector,
  options: DetectInRoisOptions = {},
): Promise<Detection[]> {
  const polygons = rois.flatMap((r) => r.polygons);
  const tiles = tilePolygons(polygons, { tileSize: options.tileSize ?? 512, keep: { kind: 'area', minFraction: 1e-9 } });
  const marginPx = Math.ceil((options.marginUm ?? 12) / micronsPerPixel);
  const out: Detection[] = [];
  for (const [i, tile] of tiles.entries()) {
    const canvas = await readRegionCanvas(slide, tile, micronsPerPixel, micronsPerPixel, marginPx);
    const found = await detector.detect(
      { data: canvas.data, width: canvas.width, height: canvas.height, channels: 3 },
      { micronsPerPixel: canvas.micronsPerPixel },
      { x: canvas.originX, y: canvas.originY, downsample: canvas.scale },
    );
    for (const d of found) if (pointInRect(d.centroid, tile) && pointInPolygons(d.centroid, polygons)) out.push(d);
    options.onTile?.(i + 1, tiles.length);
  }
  return out;
}
