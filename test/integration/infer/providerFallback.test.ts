import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../electron/core/paths.js';
import { createSession, DEFAULT_PROVIDERS, providersForPlatform } from '../../../electron/core/infer/createSession.js';
import { Ensemble } from '../../../electron/core/infer/Ensemble.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

const tiny = join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble');
const member = readFileSync(join(tiny, 'member-1.onnx'));

test('the default preference is filtered by platform, CPU always last', () => {
  assert.deepEqual(providersForPlatform(DEFAULT_PROVIDERS, 'linux'), ['cuda', 'cpu']);
  assert.deepEqual(providersForPlatform(DEFAULT_PROVIDERS, 'win32'), ['cuda', 'dml', 'cpu']);
  assert.deepEqual(providersForPlatform(DEFAULT_PROVIDERS, 'darwin'), ['coreml', 'cpu']);
  assert.throws(() => providersForPlatform(['tpu', 'cpu']), (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && /"tpu"/.test(e.message));
  assert.throws(() => providersForPlatform(['dml'], 'linux'), (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED');
});

test("asking for ['cuda', 'cpu'] falls back to cpu when CUDA cannot load, and says why", async () => {
  const s = await createSession(member, { providers: ['cuda', 'cpu'] });
  try {
    if (s.provider === 'cuda') {
      assert.deepEqual(s.fallbacks, [], 'CUDA loaded on this machine: nothing to fall back from');
      return;
    }
    assert.equal(s.provider, 'cpu');
    assert.equal(s.fallbacks.length, 1);
    assert.equal(s.fallbacks[0]!.provider, 'cuda');
    assert.ok(s.fallbacks[0]!.error.length > 0);
  } finally {
    await s.session.release();
  }
});

test('when no provider in the list loads, MODEL_LOAD_FAILED lists each error', async (t) => {
  const probe = await createSession(member, { providers: ['cuda', 'cpu'] });
  await probe.session.release();
  if (probe.provider === 'cuda') return t.skip('CUDA loads on this machine, so a CUDA-only list cannot fail here');
  await assert.rejects(createSession(member, { providers: ['cuda'] }), (e: unknown) => e instanceof AppError && e.code === 'MODEL_LOAD_FAILED' && /cuda:/.test(e.message));
});

test('an ensemble tries a failing provider once, not once per member, and reports the one that ran', async () => {
  const e = await Ensemble.load(join(tiny, 'manifest.json'), { providers: ['cuda', 'cpu'] });
  try {
    if (e.info.provider === 'cuda') return;
    assert.equal(e.info.provider, 'cpu');
    assert.deepEqual(
      e.info.fallbacks.map((f) => f.provider),
      ['cuda'],
    );
  } finally {
    await e.release();
  }
});
