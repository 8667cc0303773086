import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chamferDistance, close, downsampleRgb, fillHoles, gaussianBlur, labelComponents, open } from '../../../electron/core/detect/binaryMorphology.js';

/** A W×H mask from rows of '#' (on) and '.' (off). */
function maskOf(rows: string[]): { mask: Uint8Array; W: number; H: number } {
  const W = rows[0]!.length;
  const H = rows.length;
  const mask = new Uint8Array(W * H);
  rows.forEach((row, y) => [...row].forEach((c, x) => (mask[y * W + x] = c === '#' ? 255 : 0)));
  return { mask, W, H };
}

function disc(W: number, H: number, cx: number, cy: number, r: number, mask = new Uint8Array(W * H)): Uint8Array {
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask[y * W + x] = 255;
  return mask;
}

test('labelComponents: 8-connectivity joins diagonals, 4-connectivity does not', () => {
  const { mask, W, H } = maskOf(['#...', '.#..', '...#', '..##']);
  const eight = labelComponents(mask, W, H, 8);
  assert.equal(eight.count - 1, 2);
  assert.deepEqual([...eight.areas].slice(1).sort(), [2, 3]);
  assert.equal(labelComponents(mask, W, H, 4).count - 1, 3);
});

test('labelComponents merges a U shape whose arms meet only at the bottom', () => {
  const { mask, W, H } = maskOf(['#.#', '#.#', '###']);
  const r = labelComponents(mask, W, H, 8);
  assert.equal(r.count, 2);
  assert.equal(r.areas[1], 7);
});

test('chamferDistance is within 5% of the Euclidean distance', () => {
  const W = 61;
  const H = 61;
  const mask = new Uint8Array(W * H).fill(255);
  mask[30 * W + 30] = 0;
  const d = chamferDistance(mask, W, H, true);
  for (const [x, y] of [
    [60, 30],
    [50, 50],
    [40, 55],
  ] as const) {
    const e = Math.hypot(x - 30, y - 30);
    assert.ok(Math.abs(d[y * W + x]! - e) / e < 0.05, `at ${x},${y}: ${d[y * W + x]} vs ${e}`);
  }
});

test('open removes specks narrower than the disc and keeps a large disc', () => {
  const W = 40;
  const H = 40;
  const m = disc(W, H, 20, 20, 8);
  m[2 * W + 2] = 255; // a one-pixel speck
  const o = open(m, W, H, 1.5);
  assert.equal(o[2 * W + 2], 0);
  assert.equal(o[20 * W + 20], 255);
  const kept = o.reduce((s, v) => s + (v ? 1 : 0), 0);
  const before = m.reduce((s, v) => s + (v ? 1 : 0), 0) - 1;
  assert.ok(kept > 0.85 * before && kept <= before, `${kept} of ${before}`);
});

test('close bridges a 2-pixel gap but not a 10-pixel one', () => {
  const { mask, W, H } = maskOf(['..........................', '.####..####..........####.', '.####..####..........####.', '.####..####..........####.', '..........................']);
  const c = close(mask, W, H, 1.5);
  const r = labelComponents(c, W, H, 8);
  assert.equal(r.count - 1, 2);
});

test('fillHoles fills small enclosed holes only, never background touching the edge', () => {
  const { mask, W, H } = maskOf(['#####......', '#...#......', '#...#......', '#####......']);
  fillHoles(mask, W, H, 10);
  assert.equal(mask[1 * W + 2], 255);
  assert.equal(mask[1 * W + 8], 0);
  const big = maskOf(['#####', '#...#', '#...#', '#####']);
  fillHoles(big.mask, big.W, big.H, 5); // hole of 6 px ≥ 5: stays open
  assert.equal(big.mask[1 * big.W + 2], 0);
});

test('downsampleRgb averages whole blocks and partial edge blocks', () => {
  // 3×1 RGB: [0,0,0] [100,100,100] [50,60,70]; factor 2 → 2×1.
  const out = downsampleRgb(new Uint8Array([0, 0, 0, 100, 100, 100, 50, 60, 70]), 3, 1, 2);
  assert.equal(out.width, 2);
  assert.equal(out.height, 1);
  assert.deepEqual([...out.rgb], [50, 50, 50, 50, 60, 70]);
  const same = new Uint8Array([1, 2, 3]);
  assert.equal(downsampleRgb(same, 1, 1, 1).rgb, same);
});

test('gaussianBlur preserves a constant image and spreads an impulse symmetrically', () => {
  const W = 15;
  const H = 15;
  const flat = gaussianBlur(new Float32Array(W * H).fill(2), W, H, 1.2);
  assert.ok(flat.every((v) => Math.abs(v - 2) < 1e-5));
  const imp = new Float32Array(W * H);
  imp[7 * W + 7] = 1;
  const b = gaussianBlur(imp, W, H, 1.2);
  assert.ok(Math.abs(b.reduce((s, v) => s + v, 0) - 1) < 1e-4);
  assert.ok(Math.abs(b[7 * W + 5]! - b[7 * W + 9]!) < 1e-7);
  assert.ok(Math.abs(b[5 * W + 7]! - b[7 * W + 9]!) < 1e-7);
  assert.ok(b[7 * W + 7]! > b[7 * W + 8]!);
});
