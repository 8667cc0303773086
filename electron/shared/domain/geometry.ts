/**
 * Plane geometry in level-0 pixels for regions of interest: areas, bounding boxes, point-in-polygon,
 * clipping to a rectangle and tiling a polygon into fixed-size read regions. Pure functions, no Node.
 */

/** A point in level-0 pixels (x right, y down, as in OpenSlide and QuPath). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An axis-aligned rectangle in level-0 pixels: (x, y) is the top-left corner. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * A polygon with optional holes. Rings are stored OPEN (the first point is not repeated at the end),
 * in any winding order; GeoJSON's closing point is dropped when parsing.
 */
export interface Polygon {
  readonly exterior: readonly Point[];
  readonly holes: readonly (readonly Point[])[];
}

/** Signed shoelace area of an open ring (positive when counter-clockwise in a y-up frame). */
export function signedRingArea(ring: readonly Point[]): number {
  let twice = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i] as Point;
    const b = ring[(i + 1) % n] as Point;
    twice += a.x * b.y - b.x * a.y;
  }
  return twice / 2;
}

/** Unsigned area of an open ring in px². */
export function ringArea(ring: readonly Point[]): number {
  return Math.abs(signedRingArea(ring));
}

/** Area of a polygon in px²: exterior minus holes (holes are assumed to lie inside the exterior). */
export function polygonArea(polygon: Polygon): number {
  let area = ringArea(polygon.exterior);
  for (const hole of polygon.holes) area -= ringArea(hole);
  return Math.max(0, area);
}

/** Total area of several polygons in px² (MultiPolygon parts are assumed not to overlap). */
export function polygonsArea(polygons: readonly Polygon[]): number {
  return polygons.reduce((sum, p) => sum + polygonArea(p), 0);
}

/** Bounding box of points; a zero-size rect at the origin for none. */
export function pointsBounds(points: readonly Point[]): Rect {
  if (points.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.x > maxX) maxX = p.x;
    if (p.y > maxY) maxY = p.y;
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** Bounding box of polygons (their exteriors bound them). */
export function polygonsBounds(polygons: readonly Polygon[]): Rect {
  return pointsBounds(polygons.flatMap((p) => p.exterior));
}

/** Even-odd ray casting: true when `p` is strictly inside the open ring (points on an edge may go either way). */
export function pointInRing(p: Point, ring: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as Point;
    const b = ring[j] as Point;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** True when `p` is inside the exterior and outside every hole. */
export function pointInPolygon(p: Point, polygon: Polygon): boolean {
  if (!pointInRing(p, polygon.exterior)) return false;
  return !polygon.holes.some((hole) => pointInRing(p, hole));
}

/** True when `p` is inside any of the polygons. */
export function pointInPolygons(p: Point, polygons: readonly Polygon[]): boolean {
  return polygons.some((polygon) => pointInPolygon(p, polygon));
}

/** True when `p` lies in the rectangle (left/top edges inclusive, right/bottom exclusive). */
export function pointInRect(p: Point, r: Rect): boolean {
  return p.x >= r.x && p.x < r.x + r.width && p.y >= r.y && p.y < r.y + r.height;
}

/** Intersection of two rectangles, or null when they do not overlap with positive area. */
export function intersectRects(a: Rect, b: Rect): Rect | null {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/** Intersection over union of two rectangles, 0..1. */
export function rectIoU(a: Rect, b: Rect): number {
  const inter = intersectRects(a, b);
  if (!inter) return 0;
  const i = inter.width * inter.height;
  return i / (a.width * a.height + b.width * b.height - i);
}

/** The ring of a rectangle's four corners, clockwise on screen from the top-left. */
export function rectRing(r: Rect): Point[] {
  return [
    { x: r.x, y: r.y },
    { x: r.x + r.width, y: r.y },
    { x: r.x + r.width, y: r.y + r.height },
    { x: r.x, y: r.y + r.height },
  ];
}

/**
 * Clips an open ring to a rectangle (Sutherland–Hodgman; exact for a convex clip window).
 * A concave ring that leaves and re-enters the rectangle keeps zero-width bridges along the
 * rectangle's edge: they add no area, so areas and point tests stay right.
 */
export function clipRingToRect(ring: readonly Point[], r: Rect): Point[] {
  const x1 = r.x + r.width;
  const y1 = r.y + r.height;
  let out: Point[] = [...ring];
  out = clipEdge(out, (p) => p.x >= r.x, (a, b) => lerpAtX(a, b, r.x));
  out = clipEdge(out, (p) => p.x <= x1, (a, b) => lerpAtX(a, b, x1));
  out = clipEdge(out, (p) => p.y >= r.y, (a, b) => lerpAtY(a, b, r.y));
  out = clipEdge(out, (p) => p.y <= y1, (a, b) => lerpAtY(a, b, y1));
  return out;
}

/** Clips a polygon (exterior and holes) to a rectangle; null when nothing with area is left. */
export function clipPolygonToRect(polygon: Polygon, r: Rect): Polygon | null {
  const exterior = clipRingToRect(polygon.exterior, r);
  if (exterior.length < 3 || ringArea(exterior) === 0) return null;
  const holes = polygon.holes.map((h) => clipRingToRect(h, r)).filter((h) => h.length >= 3 && ringArea(h) > 0);
  return { exterior, holes };
}

/** Area in px² of the part of the polygons that lies inside the rectangle. */
export function polygonsAreaInRect(polygons: readonly Polygon[], r: Rect): number {
  let area = 0;
  for (const polygon of polygons) {
    const clipped = clipPolygonToRect(polygon, r);
    if (clipped) area += polygonArea(clipped);
  }
  return area;
}

/** How a tile is judged to belong to a region: its centre inside, or at least a fraction of its area inside. */
export type TileKeepRule = { readonly kind: 'centre' } | { readonly kind: 'area'; readonly minFraction: number };

/** Options for {@link tilePolygons}. */
export interface TilingOptions {
  /** Tile edge in level-0 px (DeepHeme reads 512×512 level-0 regions). Default 512. */
  readonly tileSize?: number;
  /** Default: keep a tile when its centre is inside. */
  readonly keep?: TileKeepRule;
  /**
   * Tiles sit on a slide-wide grid anchored here (default 0,0) rather than at each region's bbox,
   * so tiles of overlapping regions coincide and can be de-duplicated.
   */
  readonly gridOrigin?: Point;
  /** When given, tiles that do not lie wholly inside (the slide's bounds) are dropped: reads stay on the slide. */
  readonly within?: Rect;
}

/**
 * Covers the polygons' bounding box with square tiles on a fixed grid and keeps those that belong
 * to the polygons by `keep`. Tiles come out in row-major order (top to bottom, left to right).
 */
export function tilePolygons(polygons: readonly Polygon[], options: TilingOptions = {}): Rect[] {
  const size = options.tileSize ?? 512;
  if (!(size > 0)) throw new RangeError(`tileSize must be > 0, got ${size}`);
  const keep = options.keep ?? { kind: 'centre' };
  const origin = options.gridOrigin ?? { x: 0, y: 0 };
  const box = polygonsBounds(polygons);
  if (box.width <= 0 || box.height <= 0) return [];
  const col0 = Math.floor((box.x - origin.x) / size);
  const row0 = Math.floor((box.y - origin.y) / size);
  const col1 = Math.ceil((box.x + box.width - origin.x) / size);
  const row1 = Math.ceil((box.y + box.height - origin.y) / size);
  const tiles: Rect[] = [];
  for (let row = row0; row < row1; row++) {
    for (let col = col0; col < col1; col++) {
      const tile = { x: origin.x + col * size, y: origin.y + row * size, width: size, height: size };
      if (options.within && !rectContains(options.within, tile)) continue;
      if (keepTile(tile, polygons, keep)) tiles.push(tile);
    }
  }
  return tiles;
}

/** True when `inner` lies wholly inside `outer`. */
export function rectContains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height
  );
}

function keepTile(tile: Rect, polygons: readonly Polygon[], keep: TileKeepRule): boolean {
  if (keep.kind === 'centre') return pointInPolygons({ x: tile.x + tile.width / 2, y: tile.y + tile.height / 2 }, polygons);
  return polygonsAreaInRect(polygons, tile) >= keep.minFraction * tile.width * tile.height;
}

function clipEdge(ring: readonly Point[], inside: (p: Point) => boolean, cross: (a: Point, b: Point) => Point): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < ring.length; i++) {
    const cur = ring[i] as Point;
    const prev = ring[(i + ring.length - 1) % ring.length] as Point;
    const curIn = inside(cur);
    if (curIn) {
      if (!inside(prev)) out.push(cross(prev, cur));
      out.push(cur);
    } else if (inside(prev)) {
      out.push(cross(prev, cur));
    }
  }
  return out;
}

function lerpAtX(a: Point, b: Point, x: number): Point {
  const t = (x - a.x) / (b.x - a.x);
  return { x, y: a.y + t * (b.y - a.y) };
}

function lerpAtY(a: Point, b: Point, y: number): Point {
  const t = (y - a.y) / (b.y - a.y);
  return { x: a.x + t * (b.x - a.x), y };
}
