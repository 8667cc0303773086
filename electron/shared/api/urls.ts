import { isId, type CellId, type SlideId } from './ids.js';

/**
 * The pixel URL scheme shared by every host: pixels never travel over the typed API, so Chromium's
 * and OpenSeadragon's caches work. Electron serves these paths on its app protocol, the browser
 * host on http://127.0.0.1:<port>. `<level>` is the Deep Zoom level (0 = 1×1 px, the last =
 * full resolution; see shared/domain/DeepZoom.ts), not the OpenSlide level.
 *
 *   /tiles/<slideId>/<level>/<col>_<row>.jpeg   one Deep Zoom tile (of the size its tileSource names)
 *   /thumbs/<slideId>.jpeg                      a ≤ 512-px overview of the slide
 *   /crops/<cellId>.jpeg                        the stored crop of one cell
 */

/** Path of one Deep Zoom tile. */
export function tilePath(slideId: SlideId, level: number, col: number, row: number): string {
  return `/tiles/${slideId}/${level}/${col}_${row}.jpeg`;
}

/** The tile path with `{level}`, `{col}`, `{row}` placeholders, for the viewer's getTileUrl. */
export function tilePathTemplate(slideId: SlideId): string {
  return `/tiles/${slideId}/{level}/{col}_{row}.jpeg`;
}

/** Path of a slide's overview image. */
export function thumbnailPath(slideId: SlideId): string {
  return `/thumbs/${slideId}.jpeg`;
}

/** Path of a cell's crop. */
export function cropPath(cellId: CellId): string {
  return `/crops/${cellId}.jpeg`;
}

/** A pixel request parsed from a URL path; null for any other path. */
export type PixelRequest =
  | { readonly kind: 'tile'; readonly slideId: SlideId; readonly level: number; readonly col: number; readonly row: number }
  | { readonly kind: 'thumbnail'; readonly slideId: SlideId }
  | { readonly kind: 'crop'; readonly cellId: CellId };

const TILE = /^\/tiles\/([^/]+)\/(\d{1,3})\/(\d{1,7})_(\d{1,7})\.jpeg$/;
const THUMB = /^\/thumbs\/([^/]+)\.jpeg$/;
const CROP = /^\/crops\/([^/]+)\.jpeg$/;

/** Parses a URL path (no query) into a pixel request, or null when it is not one (or an id is malformed). */
export function parsePixelPath(pathname: string): PixelRequest | null {
  let m = TILE.exec(pathname);
  if (m) {
    const [, slideId, level, col, row] = m as unknown as [string, string, string, string, string];
    return isId(slideId) ? { kind: 'tile', slideId, level: Number(level), col: Number(col), row: Number(row) } : null;
  }
  m = THUMB.exec(pathname);
  if (m) return isId(m[1]!) ? { kind: 'thumbnail', slideId: m[1]! } : null;
  m = CROP.exec(pathname);
  if (m) return isId(m[1]!) ? { kind: 'crop', cellId: m[1]! } : null;
  return null;
}
