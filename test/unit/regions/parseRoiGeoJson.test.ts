import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoiGeoJson } from '../../../electron/core/regions/parseRoiGeoJson.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

const SLIDE = { width: 10_000, height: 8_000 };
const rectCoords = (x: number, y: number, w: number, h: number): number[][][] => [
  [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
    [x, y],
  ],
];
const polygon = (coordinates: unknown): unknown => ({ type: 'Polygon', coordinates });
const feature = (geometry: unknown, properties: unknown = {}, id?: unknown): unknown => ({ type: 'Feature', id, geometry, properties });

/** Asserts a VALIDATION_FAILED with exactly this message. */
function rejects(input: unknown, message: string | RegExp, options?: Parameters<typeof parseRoiGeoJson>[2]): void {
  assert.throws(
    () => parseRoiGeoJson(input, SLIDE, options),
    (err: unknown) => {
      assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
      assert.equal(err.code, 'VALIDATION_FAILED');
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

test('QuPath 0.4 annotation export: FeatureCollection with UUIDs, names, classifications; rectangle detected', () => {
  const text = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      feature(polygon(rectCoords(100, 200, 512, 1024)), { objectType: 'annotation', name: 'count here', classification: { name: 'Region*', color: [0, 0, 180] } }, 'a1b2'),
      feature(
        polygon([
          [
            [1000, 1000],
            [2000, 1000],
            [1500, 1800],
            [1000, 1000],
          ],
        ]),
        { objectType: 'annotation', isLocked: false },
        'c3d4',
      ),
    ],
  });
  const rois = parseRoiGeoJson(text, SLIDE);
  assert.equal(rois.length, 2);
  const [r, t] = rois;
  assert.ok(r && t);
  assert.deepEqual(
    { id: r.id, name: r.name, classification: r.classification, shape: r.shape, source: r.source, areaPx: r.areaPx, clipped: r.clipped },
    { id: 'a1b2', name: 'count here', classification: 'Region*', shape: 'rectangle', source: 'manual', areaPx: 512 * 1024, clipped: false },
  );
  assert.deepEqual(r.bounds, { x: 100, y: 200, width: 512, height: 1024 });
  assert.equal(r.polygons[0]?.exterior.length, 4, 'closing position dropped');
  assert.equal(t.shape, 'polygon');
  assert.equal(t.areaPx, (1000 * 800) / 2);
  assert.equal(t.name, null);
});

test('QuPath 0.2 array export, single Feature, bare Polygon and MultiPolygon with a hole', () => {
  const arr = parseRoiGeoJson([{ type: 'Feature', id: 'PathAnnotationObject', geometry: polygon(rectCoords(0, 0, 10, 10)), properties: { classification: 'Tumor' } }], SLIDE);
  assert.equal(arr[0]?.id, 'roi-0', 'QuPath 0.2 ids name the object type, not the object');
  assert.equal(arr[0]?.classification, 'Tumor');
  assert.equal(parseRoiGeoJson(feature(polygon(rectCoords(0, 0, 10, 10))), SLIDE)[0]?.areaPx, 100);
  assert.equal(parseRoiGeoJson(polygon(rectCoords(5, 5, 20, 10)), SLIDE)[0]?.areaPx, 200);
  const multi = parseRoiGeoJson(
    {
      type: 'MultiPolygon',
      coordinates: [[...rectCoords(0, 0, 100, 100), ...rectCoords(25, 25, 50, 50)], rectCoords(500, 500, 10, 10)],
    },
    SLIDE,
  );
  assert.equal(multi.length, 1);
  assert.equal(multi[0]?.polygons.length, 2);
  assert.equal(multi[0]?.polygons[0]?.holes.length, 1);
  assert.equal(multi[0]?.areaPx, 100 * 100 - 50 * 50 + 100);
  assert.equal(multi[0]?.shape, 'polygon');
});

test('out of bounds: clipped by default, rejected on request, wholly outside always rejected', () => {
  const poking = polygon(rectCoords(9_800, 100, 400, 100));
  const [clipped] = parseRoiGeoJson(poking, SLIDE);
  assert.equal(clipped?.clipped, true);
  assert.equal(clipped?.areaPx, 200 * 100);
  assert.deepEqual(clipped?.bounds, { x: 9_800, y: 100, width: 200, height: 100 });
  assert.equal(clipped?.shape, 'rectangle');
  rejects(poking, 'Expected positions inside the slide (0 ≤ x ≤ 10000, 0 ≤ y ≤ 8000) for roi.coordinates.0.1 but received [10200, 100]', { outOfBounds: 'reject' });
  rejects(
    polygon(rectCoords(-500, -500, 100, 100)),
    'Expected a region overlapping the slide (10000 × 8000 px) for roi but received one wholly outside it (x -500..-400, y -500..-400)',
  );
});

test('each malformed input is VALIDATION_FAILED with the exact place and value', () => {
  // V8's own JSON.parse wording differs between Node versions: only our part is pinned.
  rejects('{"type": "FeatureCollection", ', /^Expected GeoJSON text for roi but received invalid JSON \(.*JSON.*\)$/);
  rejects(
    { type: 'Point', coordinates: [1, 2] },
    'Expected a GeoJSON FeatureCollection, Feature, Polygon or MultiPolygon (or an array of Features, as QuPath 0.2 writes) for roi but received type "Point"',
  );
  rejects(42, 'Expected a GeoJSON FeatureCollection, Feature, Polygon or MultiPolygon (or an array of Features, as QuPath 0.2 writes) for roi but received 42');
  rejects({ type: 'FeatureCollection', features: [] }, 'Expected at least one region for roi.features but received none');
  rejects(
    { type: 'FeatureCollection', features: [feature({ type: 'LineString', coordinates: [[0, 0], [1, 1]] })] },
    'Expected geometry type "Polygon" or "MultiPolygon" for roi.features.0.geometry.type but received "LineString"',
  );
  rejects({ type: 'FeatureCollection', features: [feature(null)] }, 'Expected a Polygon or MultiPolygon geometry for roi.features.0.geometry but received null');
  rejects(
    { type: 'FeatureCollection', features: [feature(polygon(rectCoords(0, 0, 5, 5)), { objectType: 'detection' })] },
    'Expected objectType "annotation" (export annotations only) for roi.features.0.properties.objectType but received "detection"',
  );
  rejects([{ type: 'Feature', id: 'PathCellObject', geometry: polygon(rectCoords(0, 0, 5, 5)) }], 'Expected objectType "annotation" (export annotations only) for roi.0.properties.objectType but received "cell"');
});

test('ring rules: closed, ≥ 3 distinct positions, finite numbers, non-zero area', () => {
  rejects(
    polygon([
      [
        [0, 0],
        [10, 0],
        [10, 10],
      ],
    ]),
    'Expected a closed ring (last position equal to the first) for roi.coordinates.0 but received first [0, 0] and last [10, 10]',
  );
  rejects(
    polygon([
      [
        [0, 0],
        [10, 0],
        [0, 0],
        [10, 0],
        [0, 0],
      ],
    ]),
    'Expected at least 3 distinct positions for roi.coordinates.0 but received 2',
  );
  // JSON has no Infinity literal, but 1e999 overflows to it.
  rejects('{"type":"Polygon","coordinates":[[[0,0],[1e999,0],[5,5],[0,0]]]}', 'Expected a finite number for roi.coordinates.0.1.0 but received Infinity');
  rejects(polygon([[[0, 0], [10, 'a'], [5, 5], [0, 0]]]), 'Expected a finite number for roi.coordinates.0.1.1 but received "a"');
  rejects(polygon([[[0, 0], [10], [5, 5], [0, 0]]]), 'Expected a position [x, y] for roi.coordinates.0.1 but received [10]');
  rejects(
    polygon([
      [
        [0, 0],
        [10, 10],
        [20, 20],
        [0, 0],
      ],
    ]),
    'Expected a ring with non-zero area for roi.coordinates.0 but received collinear positions (area 0 px²)',
  );
  rejects(polygon([]), 'Expected an array of linear rings (exterior first, then holes) for roi.coordinates but received []');
  rejects(
    { type: 'MultiPolygon', coordinates: [rectCoords(0, 0, 5, 5), [[[0, 0], [1, 0], [0, 0]]]] },
    'Expected at least 3 distinct positions for roi.coordinates.1.0 but received 2',
  );
});
