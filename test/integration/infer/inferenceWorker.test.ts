import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { projectRoot } from '../../../electron/core/paths.js';
import { Ensemble } from '../../../electron/core/infer/Ensemble.js';
import { InferenceWorker } from '../../../electron/core/infer/InferenceWorker.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

const manifest = join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble', 'manifest.json');

function crop(seed: number, size = 96, mpp = 0.25) {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * (7 + seed) + seed * 131) % 256;
  return { data, width: size, height: size, micronsPerPixel: mpp };
}

const hasCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;

test('worker results equal the in-thread ensemble, in request order, with queued requests merged into one batch', async () => {
  const crops = Array.from({ length: 7 }, (_, i) => crop(i));
  const direct = await Ensemble.load(manifest, { providers: ['cpu'] });
  const expected = await direct.classify(crops);
  await direct.release();
  const w = await InferenceWorker.start(manifest, { providers: ['cpu'] });
  try {
    assert.equal(w.info.provider, 'cpu');
    const sent: number[] = [];
    const inner = (w as unknown as { worker: Worker }).worker;
    const post = inner.postMessage.bind(inner);
    inner.postMessage = (msg: { crops: unknown[] }, transfer?: readonly ArrayBuffer[]) => {
      sent.push(msg.crops.length);
      assert.ok(transfer && transfer.length === 1, 'pixels travel as one transferred buffer');
      post(msg, transfer as ArrayBuffer[]);
    };
    // The first request goes straight out; the next three wait and then go as one batch.
    const results = await Promise.all([w.classify(crops.slice(0, 2)), w.classify(crops.slice(2, 3)), w.classify(crops.slice(3, 5)), w.classify(crops.slice(5))]);
    assert.deepEqual(sent, [2, 5]);
    assert.deepEqual(results.map((r) => r.length), [2, 1, 2, 2]);
    results.flat().forEach((p, i) => {
      assert.equal(p.code, expected[i]!.code);
      p.probabilities.forEach((v, k) => assert.ok(Math.abs(v - expected[i]!.probabilities[k]!) < 1e-9));
    });
    // The caller's buffers are untouched (copied into the transfer buffer, not detached).
    assert.equal(crops[0]!.data.length, 96 * 96 * 3);
  } finally {
    await w.terminate();
  }
});

test('a bad crop fails only its own request, with the field named', async () => {
  const w = await InferenceWorker.start(manifest);
  try {
    const bad = { data: new Uint8Array(5), width: 2, height: 2, micronsPerPixel: 0.25 };
    const [a, b] = await Promise.allSettled([w.classify([crop(1), bad]), w.classify([crop(2)])]);
    assert.equal(a.status, 'rejected');
    assert.ok(a.status === 'rejected' && hasCode('VALIDATION_FAILED')(a.reason) && /crops\.1\.data/.test((a.reason as Error).message));
    assert.equal(b.status, 'fulfilled');
  } finally {
    await w.terminate();
  }
});

test('a load failure rejects start() with the engine\'s code (MODEL_HASH_MISMATCH)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marrowscope-worker-'));
  try {
    const src = join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble');
    copyFileSync(join(src, 'member-1.onnx'), join(dir, 'member-1.onnx'));
    const m2 = readFileSync(join(src, 'member-2.onnx'));
    m2[100] = m2[100]! ^ 1;
    writeFileSync(join(dir, 'member-2.onnx'), m2);
    copyFileSync(manifest, join(dir, 'manifest.json'));
    await assert.rejects(InferenceWorker.start(join(dir, 'manifest.json')), (e: unknown) => hasCode('MODEL_HASH_MISMATCH')(e) && /member-2\.onnx/.test((e as Error).message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a crashed worker fails its requests with INFERENCE_FAILED and the next request starts a new one', async () => {
  const w = await InferenceWorker.start(manifest);
  try {
    const pending = assert.rejects(w.classify([crop(3)]), hasCode('INFERENCE_FAILED'));
    // Simulate a native crash: the thread disappears without answering.
    await (w as unknown as { worker: Worker }).worker.terminate();
    await pending;
    const again = await w.classify([crop(3)]);
    assert.equal(again.length, 1);
    assert.equal(w.restarts, 1);
  } finally {
    await w.terminate();
  }
});

test('terminate cancels pending requests; later requests fail', async () => {
  const w = await InferenceWorker.start(manifest);
  const pending = assert.rejects(w.classify([crop(4), crop(5)]), hasCode('ANALYSIS_CANCELLED'));
  await w.terminate();
  await pending;
  await assert.rejects(w.classify([crop(6)]), hasCode('INFERENCE_FAILED'));
});

test('the host event loop keeps running while the worker classifies', async () => {
  const w = await InferenceWorker.start(manifest, { maxBatch: 16 });
  try {
    // 0.1 µm/px crops make the worker resample (pure JS) as well as run the members: real work off-thread.
    const crops = Array.from({ length: 48 }, (_, i) => crop(i, 240, 0.1));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    await w.classify(crops);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // A blocked loop would fire at most once after the work; a free one fires repeatedly while it runs.
    assert.ok(ticks >= Math.min(5, elapsed / 20), `timer fired ${ticks} times in ${elapsed.toFixed(0)} ms`);
  } finally {
    await w.terminate();
  }
});
