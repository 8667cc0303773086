import { test } from 'node:test';
import assert from 'node:assert/strict';
import { circularity, momentElongation, outlineArea, outlineCentroid, outlinePerimeter, workingToLevel0 } from '../../../electron/core/detect/outlineMath.js';

const square = [
  { x: 2, y: 2 },
  { x: 6, y: 2 },
  { x: 6, y: 6 },
  { x: 2, y: 6 },
];

test('area, perimeter and centroid of a square, either winding', () => {
  assert.equal(outlineArea(square), 16);
  assert.equal(outlineArea([...square].reverse()), 16);
  assert.equal(outlinePerimeter(square), 16);
  assert.deepEqual(outlineCentroid(square), { x: 4, y: 4 });
});

test('the centroid is area-weighted, not the vertex mean', () => {
  // An L-shape: a 2×1 bar plus a 1×1 block above its left end; many vertices on the bar's far end.
  const l = [
    { x: 0, y: 0 },
    { x: 1, y: 0 },
    { x: 1, y: 1 },
    { x: 2, y: 1 },
    { x: 2, y: 1.5 },
    { x: 2, y: 2 },
    { x: 0, y: 2 },
  ];
  const c = outlineCentroid(l);
  assert.ok(Math.abs(outlineArea(l) - 3) < 1e-12);
  assert.ok(Math.abs(c.x - 5 / 6) < 1e-12, `x ${c.x}`);
  assert.ok(Math.abs(c.y - 7 / 6) < 1e-12, `y ${c.y}`);
});

test('circularity is ≈1 for a disc, π/4 for a square, low for a thin bar', () => {
  const disc = Array.from({ length: 360 }, (_, i) => ({ x: 10 * Math.cos((i * Math.PI) / 180), y: 10 * Math.sin((i * Math.PI) / 180) }));
  assert.ok(circularity(outlineArea(disc), outlinePerimeter(disc)) > 0.999);
  assert.ok(Math.abs(circularity(16, 16) - Math.PI / 4) < 1e-12);
  assert.ok(circularity(10, 22) < 0.3);
  assert.equal(circularity(5, 0), 0);
});

test('workingToLevel0 undoes the working downsample, then applies the region origin and downsample', () => {
  // Working pixel edge 10 at downsample 2 is input px 20; the region was read at downsample 4 from (1000, 500).
  assert.deepEqual(workingToLevel0({ x: 10, y: 5 }, 0.5, 0.5, { x: 1000, y: 500, downsample: 4 }), { x: 1080, y: 540 });
  assert.deepEqual(workingToLevel0({ x: 3, y: 7 }, 1, 1, { x: 0, y: 0, downsample: 1 }), { x: 3, y: 7 });
});

/** Pixel-count and coordinate sums of the pixels where `inside` holds, for momentElongation. */
function moments(W: number, H: number, inside: (x: number, y: number) => boolean): [number, number, number, number, number, number] {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!inside(x, y)) continue;
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
  }
  return [n, sx, sy, sxx, syy, sxy];
}

test('momentElongation: ≈1 for a disc, ≈2 for a 2:1 ellipse at any angle', () => {
  assert.ok(Math.abs(momentElongation(...moments(81, 81, (x, y) => (x - 40) ** 2 + (y - 40) ** 2 <= 900)) - 1) < 0.02);
  assert.ok(Math.abs(momentElongation(...moments(121, 81, (x, y) => ((x - 60) / 40) ** 2 + ((y - 40) / 20) ** 2 <= 1)) - 2) < 0.05);
  const c = Math.cos(Math.PI / 4);
  const rotated = moments(121, 121, (x, y) => {
    const u = (x - 60) * c + (y - 60) * c;
    const v = -(x - 60) * c + (y - 60) * c;
    return (u / 40) ** 2 + (v / 20) ** 2 <= 1;
  });
  assert.ok(Math.abs(momentElongation(...rotated) - 2) < 0.05);
  assert.ok(Number.isFinite(momentElongation(...moments(5, 1, () => true))));
});
