import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point, Polygon } from '../../../electron/shared/domain/geometry.js';
import {
  clipPolygonToRect,
  intersectRects,
  pointInPolygon,
  pointInRect,
  pointsBounds,
  polygonArea,
  polygonsAreaInRect,
  rectIoU,
  rectRing,
  signedRingArea,
  tilePolygons,
} from '../../../electron/shared/domain/geometry.js';

const pts = (...xy: number[]): Point[] => {
  const out: Point[] = [];
  for (let i = 0; i < xy.length; i += 2) out.push({ x: xy[i] as number, y: xy[i + 1] as number });
  return out;
};
const square = (x: number, y: number, s: number): Polygon => ({ exterior: rectRing({ x, y, width: s, height: s }), holes: [] });
// An L shape: a 200×200 square with its top-right 100×100 quarter missing (area 30,000).
const ell: Polygon = { exterior: pts(0, 0, 100, 0, 100, 100, 200, 100, 200, 200, 0, 200), holes: [] };

test('polygon area: shoelace in either winding, holes subtracted', () => {
  assert.equal(polygonArea(square(10, 10, 100)), 10_000);
  assert.equal(polygonArea({ exterior: [...square(10, 10, 100).exterior].reverse(), holes: [] }), 10_000);
  assert.equal(Math.sign(signedRingArea(pts(0, 0, 1, 0, 0, 1))), 1);
  assert.equal(polygonArea(ell), 30_000);
  assert.equal(polygonArea({ exterior: square(0, 0, 100).exterior, holes: [square(25, 25, 50).exterior] }), 7_500);
  assert.equal(polygonArea({ exterior: pts(0, 0, 10, 10, 20, 20), holes: [] }), 0);
});

test('bounding box of points and of an empty list', () => {
  assert.deepEqual(pointsBounds(pts(5, 7, -3, 2, 9, 11)), { x: -3, y: 2, width: 12, height: 9 });
  assert.deepEqual(pointsBounds([]), { x: 0, y: 0, width: 0, height: 0 });
});

test('point in polygon: concave shape and hole', () => {
  assert.equal(pointInPolygon({ x: 50, y: 50 }, ell), true);
  assert.equal(pointInPolygon({ x: 150, y: 50 }, ell), false, 'the missing quarter');
  assert.equal(pointInPolygon({ x: 150, y: 150 }, ell), true);
  assert.equal(pointInPolygon({ x: 250, y: 150 }, ell), false);
  const donut: Polygon = { exterior: square(0, 0, 100).exterior, holes: [square(25, 25, 50).exterior] };
  assert.equal(pointInPolygon({ x: 50, y: 50 }, donut), false, 'inside the hole');
  assert.equal(pointInPolygon({ x: 10, y: 50 }, donut), true);
});

test('rectangles: containment, intersection, IoU', () => {
  const a = { x: 0, y: 0, width: 100, height: 100 };
  assert.equal(pointInRect({ x: 0, y: 0 }, a), true);
  assert.equal(pointInRect({ x: 100, y: 50 }, a), false, 'right edge is exclusive');
  assert.deepEqual(intersectRects(a, { x: 50, y: 50, width: 100, height: 100 }), { x: 50, y: 50, width: 50, height: 50 });
  assert.equal(intersectRects(a, { x: 100, y: 0, width: 10, height: 10 }), null, 'touching edges do not overlap');
  assert.equal(rectIoU(a, a), 1);
  assert.ok(Math.abs(rectIoU(a, { x: 50, y: 0, width: 100, height: 100 }) - 1 / 3) < 1e-12);
});

test('clipping to a rectangle keeps the inside part and its area', () => {
  const clipped = clipPolygonToRect(square(-50, -50, 100), { x: 0, y: 0, width: 1000, height: 1000 });
  assert.ok(clipped);
  assert.equal(polygonArea(clipped), 2_500);
  assert.equal(clipPolygonToRect(square(2000, 2000, 10), { x: 0, y: 0, width: 1000, height: 1000 }), null);
  // Clipping the L's bottom half through its concave corner.
  assert.equal(polygonsAreaInRect([ell], { x: 0, y: 50, width: 200, height: 100 }), 5_000 + 10_000);
  // A triangle cut by a vertical line: exact area by similar triangles.
  const tri: Polygon = { exterior: pts(0, 0, 100, 0, 0, 100), holes: [] };
  assert.equal(polygonsAreaInRect([tri], { x: 0, y: 0, width: 50, height: 200 }), 3_750, 'the part with x ≤ 50 under x + y ≤ 100');
});

test('tiling by centre keeps tiles whose centre is inside, on the slide-wide grid', () => {
  // 1024×1024 L shape from (0,0): four 512 tiles cover its bbox; the top-right one is the missing quarter.
  const bigEll: Polygon = { exterior: ell.exterior.map((p) => ({ x: p.x * 5.12, y: p.y * 5.12 })), holes: [] };
  const tiles = tilePolygons([bigEll], { tileSize: 512 });
  assert.deepEqual(
    tiles.map((t) => [t.x, t.y]),
    [
      [0, 0],
      [0, 512],
      [512, 512],
    ],
  );
  // Tiles are anchored at the grid, not the bbox: a square at (100,100) still yields grid-aligned tiles.
  const shifted = tilePolygons([square(100, 100, 1024)], { tileSize: 512 });
  assert.ok(shifted.every((t) => t.x % 512 === 0 && t.y % 512 === 0 && t.width === 512));
  assert.equal(shifted.length, 4, 'tile centres 256 and 768 fall inside 100..1124 on each axis; 1280 does not');
});

test('tiling by area fraction and within slide bounds', () => {
  const sq = square(0, 0, 700); // covers tile (0,0) fully, (512,0) by 188/512 of its width
  assert.equal(tilePolygons([sq], { keep: { kind: 'area', minFraction: 0.9 } }).length, 1);
  assert.equal(tilePolygons([sq], { keep: { kind: 'area', minFraction: 0.1 } }).length, 4);
  assert.equal(tilePolygons([sq], { keep: { kind: 'area', minFraction: 0.1 }, within: { x: 0, y: 0, width: 1000, height: 1000 } }).length, 1);
  assert.deepEqual(tilePolygons([{ exterior: pts(0, 0, 10, 10, 20, 20), holes: [] }]), [], 'zero-area bbox has no tiles');
  assert.throws(() => tilePolygons([sq], { tileSize: 0 }), RangeError);
});
