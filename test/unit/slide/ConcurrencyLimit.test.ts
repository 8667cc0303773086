import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencyLimit } from '../../../electron/core/slide/ConcurrencyLimit.js';

const tick = () => new Promise((r) => setTimeout(r, 2));

test('never runs more than max jobs at once and runs them all', async () => {
  const limit = new ConcurrencyLimit(3);
  let running = 0;
  let peak = 0;
  const job = async (i: number) => {
    running++;
    peak = Math.max(peak, running);
    await tick();
    running--;
    return i;
  };
  const out = await Promise.all(Array.from({ length: 20 }, (_, i) => limit.run(() => job(i))));
  assert.deepEqual(out, Array.from({ length: 20 }, (_, i) => i));
  assert.equal(peak, 3);
  assert.equal(limit.running, 0);
});

test('a queued job whose signal aborts never starts; running jobs are unaffected', async () => {
  const limit = new ConcurrencyLimit(1);
  const started: string[] = [];
  const first = limit.run(async () => {
    started.push('first');
    await tick();
  });
  const c = new AbortController();
  const stale = limit.run(async () => {
    started.push('stale');
  }, c.signal);
  const last = limit.run(async () => {
    started.push('last');
  });
  assert.equal(limit.queued, 2);
  c.abort(new Error('panned'));
  await assert.rejects(stale, /panned/);
  await Promise.all([first, last]);
  assert.deepEqual(started, ['first', 'last']);
});

test('a failing job frees its slot', async () => {
  const limit = new ConcurrencyLimit(1);
  await assert.rejects(limit.run(async () => Promise.reject(new Error('x'))), /x/);
  assert.equal(await limit.run(async () => 5), 5);
  assert.throws(() => new ConcurrencyLimit(0), RangeError);
});
