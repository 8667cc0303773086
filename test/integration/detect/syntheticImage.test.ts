import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RomanowskyCellDetector } from '../../../electron/core/detect/RomanowskyCellDetector.js';
import { loadOpenCv } from '../../../electron/core/detect/opencv.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

const MPP = 0.25;
const W = 400;
const H = 300;
const GLASS = [236, 226, 228] as const;
const RED_CELL = [214, 160, 168] as const; // pink, eosin-stained
const NUCLEUS = [92, 42, 142] as const; // dark purple chromatin

/** Paints filled discs (centre and radius in µm) onto an RGB image. */
function paint(img: Uint8Array, discs: readonly { x: number; y: number; r: number; c: readonly [number, number, number] }[]): void {
  for (const d of discs) {
    const cx = d.x / MPP;
    const cy = d.y / MPP;
    const r = d.r / MPP;
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if (x < 0 || y < 0 || x >= W || y >= H || (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r) continue;
        img.set(d.c, (y * W + x) * 3);
      }
    }
  }
}

/** Glass with 8 pink red cells (r 3.75 µm), 3 purple nuclei (r 3.5 µm) and 4 platelet-sized purple dots (r 1 µm). */
function syntheticField(): { image: Uint8Array; nuclei: { x: number; y: number }[] } {
  const image = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) image.set(GLASS, i * 3);
  // Deterministic noise so the field is not perfectly flat.
  let seed = 7;
  for (let i = 0; i < image.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    image[i] = Math.max(0, Math.min(255, image[i]! + ((seed >> 16) % 7) - 3));
  }
  const reds = [
    [10, 10],
    [30, 12],
    [60, 20],
    [85, 12],
    [15, 60],
    [45, 55],
    [75, 62],
    [92, 45],
  ].map(([x, y]) => ({ x: x!, y: y!, r: 3.75, c: RED_CELL }));
  const nuclei = [
    { x: 25, y: 35 },
    { x: 55, y: 35 },
    { x: 80, y: 35 },
  ];
  const platelets = [
    [40, 20],
    [68, 50],
    [5, 40],
    [95, 70],
  ].map(([x, y]) => ({ x: x!, y: y!, r: 1, c: NUCLEUS }));
  paint(image, [...reds, ...platelets, ...nuclei.map((n) => ({ ...n, r: 3.5, c: NUCLEUS }))]);
  return { image, nuclei: nuclei.map((n) => ({ x: n.x / MPP, y: n.y / MPP })) };
}

test('a synthetic field with 3 purple nuclei, pink red cells and platelets gives exactly the 3 nuclei', async () => {
  const { image, nuclei } = syntheticField();
  const dets = await new RomanowskyCellDetector().detect({ data: image, width: W, height: H, channels: 3 }, { micronsPerPixel: MPP });
  assert.equal(dets.length, 3, JSON.stringify(dets.map((d) => d.centroid)));
  for (const n of nuclei) {
    const d = dets.find((x) => Math.hypot(x.centroid.x - n.x, x.centroid.y - n.y) < 1 / MPP);
    assert.ok(d, `no detection within 1 µm of ${JSON.stringify(n)}`);
    const area = Math.PI * 3.5 ** 2;
    assert.ok(Math.abs(d.measurements.nucleusAreaUm2 - area) < 0.2 * area, `area ${d.measurements.nucleusAreaUm2} vs ${area}`);
    assert.ok(d.measurements.nucleusCircularity > 0.8);
    assert.ok(d.outline.length >= 3);
    assert.ok(d.bounds.x <= n.x && n.x <= d.bounds.x + d.bounds.width);
    assert.match(d.id, /^[0-9a-f-]{36}$/);
    assert.equal(d.classification, null);
  }
  assert.equal(new Set(dets.map((d) => d.id)).size, 3);
});

test('the same field read at downsample 2 from a slide origin maps back to level-0 px', async () => {
  const { image, nuclei } = syntheticField();
  const origin = { x: 10_000, y: 5_000, downsample: 2 };
  const dets = await new RomanowskyCellDetector().detect({ data: image, width: W, height: H, channels: 3 }, { micronsPerPixel: MPP }, origin);
  assert.equal(dets.length, 3);
  for (const n of nuclei) {
    const want = { x: origin.x + n.x * 2, y: origin.y + n.y * 2 };
    assert.ok(
      dets.some((d) => Math.hypot(d.centroid.x - want.x, d.centroid.y - want.y) < 2 / MPP),
      `no detection near level-0 ${JSON.stringify(want)}`,
    );
  }
});

test('RGBA input: transparent pixels count as glass', async () => {
  const { image } = syntheticField();
  const rgba = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    rgba.set(image.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  // Make the right quarter transparent black (outside the slide): it must not become a "nucleus".
  for (let y = 0; y < H; y++) for (let x = 340; x < W; x++) rgba.fill(0, (y * W + x) * 4, (y * W + x) * 4 + 4);
  const dets = await new RomanowskyCellDetector().detect({ data: rgba, width: W, height: H, channels: 4 }, { micronsPerPixel: MPP });
  assert.equal(dets.length, 3);
});

test('an empty white image gives no detections', async () => {
  const data = new Uint8Array(300 * 200 * 3).fill(255);
  assert.deepEqual(await new RomanowskyCellDetector().detect({ data, width: 300, height: 200, channels: 3 }, { micronsPerPixel: 0.25 }), []);
});

test('bad input is a coded VALIDATION_FAILED', async () => {
  const det = new RomanowskyCellDetector();
  const data = new Uint8Array(10 * 10 * 3);
  const bad = (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED';
  await assert.rejects(det.detect({ data, width: 10, height: 10, channels: 3 }, { micronsPerPixel: 0 }), bad);
  await assert.rejects(det.detect({ data, width: 10, height: 11, channels: 3 }, { micronsPerPixel: 0.25 }), bad);
  await assert.rejects(det.detect({ data, width: 10, height: 10, channels: 3 }, { micronsPerPixel: 0.25 }, { x: 0, y: 0, downsample: 0 }), bad);
  assert.throws(() => new RomanowskyCellDetector({ minNucleusAreaUm2: -5 }), bad);
});

test('loading OpenCV.js leaves no process-wide abort handlers behind', async () => {
  const before = process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;
  await loadOpenCv();
  const after = process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;
  assert.ok(after <= before, `handlers before ${before}, after ${after}`);
  assert.equal(await loadOpenCv(), await loadOpenCv());
});
