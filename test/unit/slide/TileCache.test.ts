import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TILE_CACHE_ENTRY_OVERHEAD, TileCache } from '../../../electron/core/slide/TileCache.js';

const buf = (n: number, fill = 1) => Buffer.alloc(n, fill);

test('evicts least recently used entries to stay within the byte budget', () => {
  const cache = new TileCache(3 * (100 + TILE_CACHE_ENTRY_OVERHEAD));
  cache.set('a', buf(100));
  cache.set('b', buf(100));
  cache.set('c', buf(100));
  assert.ok(cache.get('a')); // a is now most recent; b is the oldest
  cache.set('d', buf(100));
  assert.equal(cache.get('b'), undefined);
  assert.ok(cache.get('a') && cache.get('c') && cache.get('d'));
  const s = cache.stats();
  assert.equal(s.entries, 3);
  assert.equal(s.evictions, 1);
  assert.ok(s.bytes <= s.maxBytes);
});

test('a value larger than the budget is not stored; replacing a key does not double count', () => {
  const cache = new TileCache(1000);
  cache.set('big', buf(2000));
  assert.equal(cache.get('big'), undefined);
  cache.set('k', buf(100));
  cache.set('k', buf(300));
  assert.equal(cache.stats().bytes, 300 + TILE_CACHE_ENTRY_OVERHEAD);
  assert.equal(cache.deletePrefix('k'), 1);
  assert.equal(cache.stats().bytes, 0);
});

test('concurrent getOrCreate calls for one key share a single computation, then hit the cache', async () => {
  const cache = new TileCache(10_000);
  let calls = 0;
  const produce = async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 10));
    return buf(10, calls);
  };
  const results = await Promise.all([1, 2, 3, 4].map(() => cache.getOrCreate('t', produce)));
  assert.equal(calls, 1);
  assert.ok(results.every((r) => r === results[0]));
  assert.equal(await cache.getOrCreate('t', produce), results[0]);
  assert.deepEqual([cache.stats().misses, cache.stats().shared, cache.stats().hits], [1, 3, 1]);
});

test('failures are shared by the waiters but not cached', async () => {
  const cache = new TileCache(10_000);
  let calls = 0;
  const failing = async () => {
    calls++;
    throw new Error('read failed');
  };
  await Promise.all([
    assert.rejects(cache.getOrCreate('t', failing), /read failed/),
    assert.rejects(cache.getOrCreate('t', failing), /read failed/),
  ]);
  assert.equal(calls, 1);
  assert.equal(await cache.getOrCreate('t', async () => buf(5)).then((b) => b.length), 5);
  assert.equal(calls, 1);
});

test('the computation is aborted only when every waiter has aborted', async () => {
  const cache = new TileCache(10_000);
  let seen: AbortSignal | undefined;
  let finish!: (b: Buffer) => void;
  const produce = (signal: AbortSignal) => {
    seen = signal;
    return new Promise<Buffer>((resolve) => (finish = resolve));
  };
  const a = new AbortController();
  const b = new AbortController();
  const pa = cache.getOrCreate('t', produce, a.signal);
  const pb = cache.getOrCreate('t', produce, b.signal);
  a.abort(new Error('panned away'));
  await assert.rejects(pa, /panned away/);
  assert.equal(seen?.aborted, false, 'b still waits');
  b.abort(new Error('gone too'));
  await assert.rejects(pb, /gone too/);
  assert.equal(seen?.aborted, true);
  // A new request starts a fresh computation instead of joining the abandoned one.
  const pc = cache.getOrCreate('t', async () => buf(7));
  assert.equal((await pc).length, 7);
  finish(buf(3)); // the abandoned computation still completes; its result may be cached
  assert.equal(cache.stats().misses, 2);
});

test('an already-aborted signal rejects before any work', async () => {
  const cache = new TileCache(10_000);
  const c = new AbortController();
  c.abort(new Error('stale'));
  let calls = 0;
  await assert.rejects(
    cache.getOrCreate('t', async () => (calls++, buf(1)), c.signal),
    /stale/,
  );
  assert.equal(calls, 0);
});
