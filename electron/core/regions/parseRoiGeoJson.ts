import { z } from 'zod';
import { AppError } from '../../shared/errors/AppError.js';
import { validate } from '../../shared/errors/validate.js';
import type { Roi } from '../../shared/domain/Roi.js';
import type { Point, Polygon, Rect } from '../../shared/domain/geometry.js';
import { clipPolygonToRect, polygonsArea, polygonsBounds, ringArea } from '../../shared/domain/geometry.js';

/** What to do with a region that pokes out of the slide. */
export type OutOfBoundsPolicy = 'clip' | 'reject';

/** Options for {@link parseRoiGeoJson}. */
export interface ParseRoiOptions {
  /**
   * 'clip' (default): cut the region at the slide edge and mark it `clipped` (QuPath lets a brush
   * stroke run past the edge, and that should not block an import); a region wholly outside is still
   * rejected. 'reject': any position outside the slide is VALIDATION_FAILED.
   */
  readonly outOfBounds?: OutOfBoundsPolicy;
}

/** The slide a region must fit: level-0 size in px. */
export interface SlideBounds {
  readonly width: number;
  readonly height: number;
}

const WHAT = 'roi';

// QuPath ≤ 0.2 put the object type in the feature id; 0.3+ writes properties.objectType and a UUID id.
const QUPATH_02_TYPES: Readonly<Record<string, string>> = {
  PathAnnotationObject: 'annotation',
  PathDetectionObject: 'detection',
  PathCellObject: 'cell',
  PathTileObject: 'tile',
  PathTMACoreObject: 'tma_core',
};

const classificationSchema = z.union([z.string(), z.object({ name: z.string().optional() }).loose(), z.null()]);
const propertiesSchema = z
  .object({
    name: z.string().nullish(),
    objectType: z.string().optional(),
    classification: classificationSchema.optional(),
  })
  .loose();
const featureSchema = z
  .object({
    type: z.literal('Feature', { error: 'Expected "Feature"' }),
    id: z.union([z.string(), z.number()]).optional(),
    properties: propertiesSchema.nullish(),
    geometry: z.unknown(),
  })
  .loose();
const collectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown(), { error: 'Expected an array of Features' }) }).loose();

/**
 * Parses manual regions of interest from GeoJSON in level-0 px: a FeatureCollection, an array of
 * Features (QuPath 0.2's export), one Feature, or a bare Polygon/MultiPolygon; text or parsed JSON.
 * Throws VALIDATION_FAILED naming the exact place and value for: malformed JSON, other geometry
 * types, non-annotation QuPath objects, non-finite numbers, unclosed rings, rings with < 3 distinct
 * positions or zero area, and positions outside the slide (per `outOfBounds`).
 */
export function parseRoiGeoJson(input: unknown, slide: SlideBounds, options: ParseRoiOptions = {}): Roi[] {
  const policy = options.outOfBounds ?? 'clip';
  const json = typeof input === 'string' ? parseJsonText(input) : input;
  const features = featuresOf(json);
  if (features.length === 0) throw invalid('at least one region', `${WHAT}.features`, 'none');
  const bounds: Rect = { x: 0, y: 0, width: slide.width, height: slide.height };
  return features.map((located, index) => roiFromFeature(located, index, bounds, policy));
}

interface Located {
  readonly value: unknown;
  readonly path: string;
  /** True for a bare geometry: `value` is the geometry itself, with no feature around it. */
  readonly bare?: boolean;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', `Expected GeoJSON text for ${WHAT} but received invalid JSON (${(err as Error).message})`);
  }
}

function featuresOf(json: unknown): Located[] {
  if (Array.isArray(json)) return json.map((value, i) => ({ value, path: `${WHAT}.${i}` }));
  const type = json !== null && typeof json === 'object' ? (json as { type?: unknown }).type : undefined;
  if (type === 'FeatureCollection') {
    const fc = validate(collectionSchema, json, WHAT);
    return fc.features.map((value, i) => ({ value, path: `${WHAT}.features.${i}` }));
  }
  if (type === 'Feature') return [{ value: json, path: WHAT }];
  if (type === 'Polygon' || type === 'MultiPolygon') return [{ value: json, path: WHAT, bare: true }];
  throw invalid(
    'a GeoJSON FeatureCollection, Feature, Polygon or MultiPolygon (or an array of Features, as QuPath 0.2 writes)',
    WHAT,
    type === undefined ? describe(json) : `type ${describe(type)}`,
  );
}

function roiFromFeature({ value, path, bare }: Located, index: number, slide: Rect, policy: OutOfBoundsPolicy): Roi {
  const feature = bare ? { id: undefined, properties: undefined, geometry: value } : validate(featureSchema, value, path);
  const qupathType = typeof feature.id === 'string' ? QUPATH_02_TYPES[feature.id] : undefined;
  const objectType = feature.properties?.objectType ?? qupathType;
  if (objectType !== undefined && objectType !== 'annotation') {
    throw invalid('objectType "annotation" (export annotations only)', `${path}.properties.objectType`, describe(objectType));
  }
  const geometryPath = bare ? path : `${path}.geometry`;
  const rawPolygons = polygonsOf(feature.geometry, geometryPath);
  const polygons: Polygon[] = [];
  let clipped = false;
  rawPolygons.forEach((polygon, i) => {
    const where = rawPolygons.length > 1 ? `${geometryPath}.coordinates.${i}` : `${geometryPath}.coordinates`;
    const outside = firstOutside(polygon, slide);
    if (!outside) {
      polygons.push(polygon);
      return;
    }
    if (policy === 'reject') {
      throw invalid(`positions inside the slide (0 ≤ x ≤ ${slide.width}, 0 ≤ y ≤ ${slide.height})`, `${where}.${outside.path}`, `[${outside.point.x}, ${outside.point.y}]`);
    }
    const cut = clipPolygonToRect(polygon, slide);
    clipped = true;
    if (cut) polygons.push(cut);
  });
  if (polygons.length === 0) {
    const b = polygonsBounds(rawPolygons);
    throw invalid(
      `a region overlapping the slide (${slide.width} × ${slide.height} px)`,
      geometryPath,
      `one wholly outside it (x ${b.x}..${b.x + b.width}, y ${b.y}..${b.y + b.height})`,
    );
  }
  return {
    id: feature.id !== undefined && qupathType === undefined ? String(feature.id) : `roi-${index}`,
    name: feature.properties?.name ?? null,
    classification: classificationName(feature.properties?.classification),
    source: 'manual',
    shape: polygons.length === 1 && isAxisAlignedRectangle(polygons[0] as Polygon) ? 'rectangle' : 'polygon',
    polygons,
    bounds: polygonsBounds(polygons),
    areaPx: polygonsArea(polygons),
    clipped,
  };
}

function polygonsOf(geometry: unknown, path: string): Polygon[] {
  if (geometry === null || typeof geometry !== 'object' || Array.isArray(geometry)) {
    throw invalid('a Polygon or MultiPolygon geometry', path, describe(geometry));
  }
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    throw invalid('geometry type "Polygon" or "MultiPolygon"', `${path}.type`, describe(type));
  }
  const coordsPath = `${path}.coordinates`;
  if (type === 'Polygon') return [polygonOf(coordinates, coordsPath)];
  const parts = arrayOf(coordinates, coordsPath, 'an array of polygons', 1);
  return parts.map((part, i) => polygonOf(part, `${coordsPath}.${i}`));
}

function polygonOf(value: unknown, path: string): Polygon {
  const rings = arrayOf(value, path, 'an array of linear rings (exterior first, then holes)', 1);
  const [exterior, ...holes] = rings.map((ring, i) => ringOf(ring, `${path}.${i}`));
  return { exterior: exterior as Point[], holes };
}

/** Validates one GeoJSON linear ring and returns it open (closing position dropped). */
function ringOf(value: unknown, path: string): Point[] {
  const positions = arrayOf(value, path, 'an array of [x, y] positions', 0);
  const points = positions.map((pos, i) => pointOf(pos, `${path}.${i}`));
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length < 2 || first.x !== last.x || first.y !== last.y) {
    throw invalid(
      'a closed ring (last position equal to the first)',
      path,
      first && last ? `first [${first.x}, ${first.y}] and last [${last.x}, ${last.y}]` : describe(value),
    );
  }
  const open = points.slice(0, -1);
  const distinct = new Set(open.map((p) => `${p.x},${p.y}`)).size;
  if (distinct < 3) throw invalid('at least 3 distinct positions', path, String(distinct));
  if (ringArea(open) === 0) throw invalid('a ring with non-zero area', path, 'collinear positions (area 0 px²)');
  return open;
}

function pointOf(value: unknown, path: string): Point {
  if (!Array.isArray(value) || value.length < 2) throw invalid('a position [x, y]', path, describe(value));
  const [x, y] = value as unknown[];
  for (const [i, n] of [x, y].entries()) {
    if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid('a finite number', `${path}.${i}`, describe(n));
  }
  return { x: x as number, y: y as number };
}

function arrayOf(value: unknown, path: string, expected: string, min: number): unknown[] {
  if (!Array.isArray(value) || value.length < min) throw invalid(expected, path, describe(value));
  return value;
}

function firstOutside(polygon: Polygon, slide: Rect): { point: Point; path: string } | null {
  const rings = [polygon.exterior, ...polygon.holes];
  for (const [r, ring] of rings.entries()) {
    for (const [i, p] of ring.entries()) {
      if (p.x < slide.x || p.y < slide.y || p.x > slide.x + slide.width || p.y > slide.y + slide.height) return { point: p, path: `${r}.${i}` };
    }
  }
  return null;
}

function isAxisAlignedRectangle(polygon: Polygon): boolean {
  if (polygon.holes.length > 0 || polygon.exterior.length !== 4) return false;
  const xs = new Set(polygon.exterior.map((p) => p.x));
  const ys = new Set(polygon.exterior.map((p) => p.y));
  if (xs.size !== 2 || ys.size !== 2) return false;
  // Four corners of a rectangle walk the edges: consecutive corners share x or y.
  return polygon.exterior.every((p, i) => {
    const q = polygon.exterior[(i + 1) % 4] as Point;
    return p.x === q.x || p.y === q.y;
  });
}

function classificationName(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') return (value as { name: string }).name;
  return null;
}

function invalid(expected: string, path: string, received: string): AppError {
  return new AppError('VALIDATION_FAILED', `Expected ${expected} for ${path} but received ${received}`);
}

/** JSON for display, but non-finite numbers as themselves (JSON.stringify would print null), and long values cut. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
