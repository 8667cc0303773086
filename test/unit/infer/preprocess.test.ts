import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { projectRoot } from '../../../electron/core/paths.js';
import type { ModelInputSpec } from '../../../electron/core/infer/ModelManifest.js';
import { centreOffsets, normalisationTables, preprocessCrops, resampledSize, writeInputTensor } from '../../../electron/core/infer/preprocess.js';
import { lanczos3, lanczosCoefficients, resampleRgb } from '../../../electron/core/infer/resampleRgb.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

// Means/stds chosen so every normalised value below is exact in a few decimal places.
const spec = (over: Partial<ModelInputSpec> = {}): ModelInputSpec => ({
  name: 'input',
  size: 4,
  micronsPerPixel: 0.25,
  channelOrder: 'RGB',
  layout: 'NCHW',
  scale: 255,
  mean: [0.5, 0.25, 0.125],
  std: [0.5, 0.25, 0.25],
  padValue: [255, 0, 51],
  ...over,
});
const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('resampled size: 360×363 at 0.10 µm/px → 144×145 at 0.25; equal µm/px keeps the size', () => {
  assert.deepEqual(resampledSize(360, 363, 0.1, 0.25), { width: 144, height: 145 });
  assert.deepEqual(resampledSize(96, 96, 0.25, 0.25), { width: 96, height: 96 });
  assert.deepEqual(resampledSize(48, 40, 0.5, 0.25), { width: 96, height: 80 });
});

test('centre offsets: crop 145 → 96 from 24; pad 90 → 96 at 3; pad 91 → 96 at 2', () => {
  assert.deepEqual(centreOffsets(145, 96), { src: 24, dst: 0, count: 96 });
  assert.deepEqual(centreOffsets(90, 96), { src: 0, dst: 3, count: 90 });
  assert.deepEqual(centreOffsets(91, 96), { src: 0, dst: 2, count: 91 });
});

test('normalisation tables: (v/255 − mean)/std per channel', () => {
  const t = normalisationTables(spec());
  close(t.lut[0]![255]!, 1); // (1 − 0.5)/0.5
  close(t.lut[0]![0]!, -1);
  close(t.lut[1]![0]!, -1); // (0 − 0.25)/0.25
  close(t.lut[2]![51]!, 0.3); // (0.2 − 0.125)/0.25
});

test('writeInputTensor pads a 2×2 image into the centre of 4×4 with padValue, NCHW', () => {
  // Pixels (R,G,B): [255,0,51] [0,0,51] / [255,255,255] [0,51,0]
  const data = new Uint8Array([255, 0, 51, 0, 0, 51, 255, 255, 255, 0, 51, 0]);
  const out = new Float32Array(2 + 3 * 16).fill(NaN);
  writeInputTensor({ data, width: 2, height: 2 }, spec(), out, 2);
  assert.ok(Number.isNaN(out[0]!) && Number.isNaN(out[1]!), 'writes only from the offset');
  const at = (c: number, y: number, x: number) => out[2 + c * 16 + y * 4 + x]!;
  // Pad pixels: R 255 → 1, G 0 → −1, B 51 → 0.3.
  close(at(0, 0, 0), 1);
  close(at(1, 3, 3), -1);
  close(at(2, 0, 3), 0.3);
  // The image sits at rows/cols 1..2.
  close(at(0, 1, 1), 1); // R 255
  close(at(0, 1, 2), -1); // R 0
  close(at(1, 2, 1), 3); // G 255: (1 − 0.25)/0.25
  close(at(1, 2, 2), -0.2); // G 51: (0.2 − 0.25)/0.25
  close(at(2, 2, 1), 3.5); // B 255: (1 − 0.125)/0.25
  close(at(2, 2, 2), -0.5); // B 0
});

test('writeInputTensor crops the centre of a larger image and honours BGR order', () => {
  // 6×1 row, R = 10·x; size 4 → columns 1..4. Height 1 < 4 → row 1 (floor(3/2)), rest padding.
  const data = new Uint8Array(18);
  for (let x = 0; x < 6; x++) data.set([x * 51, 0, 255], x * 3);
  const s = spec({ channelOrder: 'BGR', mean: [0, 0, 0], std: [1, 1, 1] });
  const out = new Float32Array(3 * 16);
  writeInputTensor({ data, width: 6, height: 1 }, s, out, 0);
  // Channel 0 is B (255 → 1), channel 2 is R: columns 1..4 carry x = 1..4 → 0.2, 0.4, 0.6, 0.8.
  close(out[0 * 16 + 4 + 0]!, 1);
  [0.2, 0.4, 0.6, 0.8].forEach((v, x) => close(out[2 * 16 + 4 + x]!, v));
  // Padding rows in channel 2 (R of padValue = 255) → 1.
  close(out[2 * 16 + 0]!, 1);
});

test('Lanczos-3 at 1:1 is the identity (sinc vanishes at non-zero integers)', () => {
  assert.equal(lanczos3(0), 1);
  assert.ok(Math.abs(lanczos3(1)) < 1e-15 && Math.abs(lanczos3(2)) < 1e-15 && lanczos3(3) === 0);
  const data = new Uint8Array([1, 2, 3, 250, 251, 252, 7, 8, 9]);
  const c = lanczosCoefficients(3, 3);
  assert.deepEqual(Array.from(c.start), [0, 0, 0]);
  assert.deepEqual(resampleRgb({ data, width: 3, height: 1 }, 3, 1).data, data);
});

test('Lanczos-3 halving 4 → 2 pixels: hand-computed weights and value', () => {
  // Output pixel 0 is centred at input 1.0; support widens to 6; taps at offsets −0.25, 0.25, 0.75, 1.25 (÷2 scale):
  // L(0.25) = sinc(0.25)·sinc(0.25/3) = 0.900316·0.988616 = 0.890066; L(0.75) = 0.300105·0.900316 = 0.270190;
  // L(1.25) = −0.180063·0.737913 = −0.132871; normalised by their sum 1.917451.
  const c = lanczosCoefficients(4, 2);
  const w = Array.from(c.weights.subarray(0, 4)).map((v) => v / 2 ** 22);
  [0.46419, 0.46419, 0.140911, -0.069296].forEach((v, i) => close(w[i]!, v, 1e-5));
  // Row [0, 100, 200, 100] (grey): 100·0.46419 + 200·0.140911 − 100·0.069296 = 67.67 → 68.
  const data = new Uint8Array([0, 0, 0, 100, 100, 100, 200, 200, 200, 100, 100, 100]);
  const out = resampleRgb({ data, width: 4, height: 1 }, 2, 1);
  assert.deepEqual(Array.from(out.data.subarray(0, 3)), [68, 68, 68]);
});

test('resampling keeps a flat colour flat and produces the requested size', async () => {
  const data = new Uint8Array(40 * 30 * 3);
  for (let i = 0; i < data.length; i += 3) data.set([10, 200, 77], i);
  const r = resampleRgb({ data, width: 40, height: 30 }, 16, 12);
  assert.equal(r.width, 16);
  assert.equal(r.height, 12);
  assert.equal(r.data.length, 16 * 12 * 3);
  for (let i = 0; i < r.data.length; i += 3) assert.deepEqual([r.data[i], r.data[i + 1], r.data[i + 2]], [10, 200, 77]);
});

test('resampling matches Pillow LANCZOS (how the training images were made) bit for bit, up and down', async () => {
  const dir = join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble');
  const ref = JSON.parse(readFileSync(join(dir, 'resample.json'), 'utf8')) as { source: string; outputs: { file: string; width: number; height: number }[] };
  const src = await sharp(join(dir, ref.source)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  for (const o of ref.outputs) {
    const expected = await sharp(join(dir, o.file)).removeAlpha().raw().toBuffer();
    const got = resampleRgb({ data: new Uint8Array(src.data), width: src.info.width, height: src.info.height }, o.width, o.height);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < expected.length; i++) {
      const d = Math.abs(got.data[i]! - expected[i]!);
      sum += d;
      max = Math.max(max, d);
    }
    const meanAbs = sum / expected.length;
    assert.ok(meanAbs < MEAN_TOL && max <= MAX_TOL, `${o.file}: mean |Δ| ${meanAbs.toFixed(3)}, max ${max} (tolerance ${MEAN_TOL}, ${MAX_TOL})`);
  }
});
const MEAN_TOL = 0.01;
const MAX_TOL = 1;

test('preprocessCrops resamples a 0.125 µm/px crop to the model µm/px before cropping', async () => {
  const s = spec({ size: 8, mean: [0, 0, 0], std: [1, 1, 1] });
  // 8×8 at 0.125 µm/px becomes 4×4 at 0.25: a flat grey 102 crop, padded with padValue to 8×8.
  const crop = { data: new Uint8Array(8 * 8 * 3).fill(102), width: 8, height: 8, micronsPerPixel: 0.125 };
  const out = preprocessCrops([crop], s);
  assert.equal(out.length, 3 * 64);
  close(out[2 * 8 + 2]!, 0.4); // inside the 4×4 centre (rows/cols 2..5)
  close(out[5 * 8 + 5]!, 0.4);
  close(out[1 * 8 + 2]!, 1); // padding row 1, R of padValue 255
  close(out[64 + 6 * 8 + 6]!, 0); // G padding 0
});

test('preprocessCrops names the bad field of a bad crop', () => {
  const bad = { data: new Uint8Array(10), width: 2, height: 2, micronsPerPixel: 0.25 };
  assert.throws(() => preprocessCrops([bad], spec()), (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && /crops\.0\.data/.test(e.message) && /12 bytes/.test(e.message));
  const mpp = { data: new Uint8Array(12), width: 2, height: 2, micronsPerPixel: 0 };
  assert.throws(() => preprocessCrops([mpp], spec()), (e: unknown) => e instanceof AppError && /crops\.0\.micronsPerPixel/.test(e.message));
});
