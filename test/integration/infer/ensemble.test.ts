import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../../electron/core/paths.js';
import { Ensemble } from '../../../electron/core/infer/Ensemble.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

const tiny = join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble');

function tempEnsemble(edit: (m: Record<string, unknown>) => void): { dir: string; manifest: string } {
  const dir = mkdtempSync(join(tmpdir(), 'marrowscope-ensemble-'));
  for (const f of ['member-1.onnx', 'member-2.onnx']) copyFileSync(join(tiny, f), join(dir, f));
  const m = JSON.parse(readFileSync(join(tiny, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  return { dir, manifest: join(dir, 'manifest.json') };
}

/** A deterministic textured RGB crop. */
function crop(width: number, height: number, mpp: number, seed: number) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 97 + ((i / 3) % width) * 5) % 256;
  return { data, width, height, micronsPerPixel: mpp };
}

test('a member whose output width differs from the class list is MODEL_MANIFEST_INVALID at load', async () => {
  const t = tempEnsemble((m) => (m['classes'] = (m['classes'] as unknown[]).slice(0, 10)));
  try {
    await assert.rejects(
      Ensemble.load(t.manifest, { providers: ['cpu'] }),
      (e: unknown) => e instanceof AppError && e.code === 'MODEL_MANIFEST_INVALID' && /member-1\.onnx outputs float32 \[1, 11\]/.test(e.message) && /10 classes/.test(e.message),
    );
  } finally {
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test('input and output names that the graph does not have are MODEL_MANIFEST_INVALID', async () => {
  const a = tempEnsemble((m) => ((m['input'] as Record<string, unknown>)['name'] = 'image'));
  const b = tempEnsemble((m) => ((m['output'] as Record<string, unknown>)['name'] = 'probs'));
  try {
    await assert.rejects(Ensemble.load(a.manifest), (e: unknown) => e instanceof AppError && e.code === 'MODEL_MANIFEST_INVALID' && /manifest\.input\.name is "image"/.test(e.message));
    await assert.rejects(Ensemble.load(b.manifest), (e: unknown) => e instanceof AppError && e.code === 'MODEL_MANIFEST_INVALID' && /manifest\.output\.name is "probs"/.test(e.message));
  } finally {
    rmSync(a.dir, { recursive: true, force: true });
    rmSync(b.dir, { recursive: true, force: true });
  }
});

test('classify: one prediction per crop, any size and µm/px; splitting into small batches changes nothing', async () => {
  const big = await Ensemble.load(join(tiny, 'manifest.json'), { providers: ['cpu'], maxBatch: 64 });
  const small = await Ensemble.load(join(tiny, 'manifest.json'), { providers: ['cpu'], maxBatch: 2 });
  try {
    const crops = [crop(96, 96, 0.25, 1), crop(144, 145, 0.25, 2), crop(60, 50, 0.25, 3), crop(360, 363, 0.1, 4), crop(48, 48, 0.5, 5)];
    const a = await big.classify(crops);
    const b = await small.classify(crops);
    assert.equal(a.length, 5);
    for (const [i, p] of a.entries()) {
      assert.ok(Math.abs(p.probabilities.reduce((s, v) => s + v, 0) - 1) < 1e-9, 'probabilities sum to 1');
      assert.equal(p.code, big.info.classes[p.classIndex]!.code);
      assert.ok(p.entropy > 0 && p.entropy <= Math.log(11) + 1e-12);
      assert.ok(p.mutualInformation >= 0 && p.mutualInformation <= p.entropy);
      assert.ok([0, 0.5, 1].includes(p.agreement));
      assert.equal(p.memberVotes.length, 2);
      p.probabilities.forEach((v, k) => assert.ok(Math.abs(v - b[i]!.probabilities[k]!) < 1e-6, 'same result in batches of 2'));
    }
    assert.notDeepEqual(a[0]!.probabilities, a[1]!.probabilities, 'different crops give different outputs');
    assert.deepEqual(await big.classify([]), []);
  } finally {
    await big.release();
    await small.release();
  }
});

test('info reports the model, its classes, input and provider', async () => {
  const e = await Ensemble.load(join(tiny, 'manifest.json'), { providers: ['cpu'], intraOpThreads: 1 });
  try {
    assert.equal(e.info.name, 'tiny-test-ensemble');
    assert.equal(e.info.members, 2);
    assert.equal(e.info.provider, 'cpu');
    assert.deepEqual(e.info.input, { size: 96, micronsPerPixel: 0.25 });
    assert.equal(e.info.classes[10]!.code, 'PL3');
    assert.equal(e.info.classes[10]!.countsInDifferential, false);
  } finally {
    await e.release();
  }
});
