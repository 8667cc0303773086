// Pure reference-counting and eviction logic of SlideRegistry with a fake opener (the integration
// suite exercises it on real OpenSlide handles). The fake reads real files for the quick hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenSlideHandle, RegionRead, RgbaImage } from '../../../native/lib/types.js';
import { SlideRegistry } from '../../../electron/core/slide/SlideRegistry.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

interface FakeHandle extends OpenSlideHandle {
  closeCount: number;
  failReads: boolean;
}

function fakeOpener(log: FakeHandle[]) {
  return async (path: string): Promise<OpenSlideHandle> => {
    if (path.endsWith('missing')) throw new AppError('SLIDE_NOT_FOUND', `No slide file at ${path}`);
    const h: FakeHandle = {
      path,
      vendor: 'fake',
      levels: [{ width: 100, height: 50, downsample: 1 }],
      properties: { 'openslide.mpp-x': '0.25', 'openslide.mpp-y': '0.25' },
      associatedImageNames: [],
      associatedImages: [],
      closeCount: 0,
      failReads: false,
      closed: false,
      bestLevelForDownsample: () => 0,
      async readRegion(r: RegionRead): Promise<RgbaImage> {
        if (h.closed) throw new AppError('SLIDE_CLOSED', 'closed');
        if (h.failReads) throw new AppError('SLIDE_READ_FAILED', 'Bogus marker length');
        return { width: r.width, height: r.height, data: Buffer.alloc(r.width * r.height * 4) };
      },
      async readAssociatedImage(): Promise<RgbaImage> {
        throw new AppError('VALIDATION_FAILED', 'none');
      },
      close() {
        h.closeCount++;
        (h as { closed: boolean }).closed = true;
      },
    };
    log.push(h);
    return h;
  };
}

async function withFiles(n: number, fn: (paths: string[]) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-'));
  try {
    const paths = [];
    for (let i = 0; i < n; i++) {
      const p = join(dir, `s${i}.svs`);
      await writeFile(p, `slide ${i}`);
      paths.push(p);
    }
    await fn(paths);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('concurrent acquires of one path share one handle; info is parsed', async () => {
  await withFiles(1, async ([p]) => {
    const opened: FakeHandle[] = [];
    const reg = new SlideRegistry({ openSlide: fakeOpener(opened) });
    const [a, b] = await Promise.all([reg.acquire(p!), reg.acquire(p!)]);
    assert.equal(opened.length, 1);
    assert.equal(a.info, b.info);
    assert.deepEqual(a.info.calibration, { kind: 'calibrated', x: 0.25, y: 0.25, source: 'openslide.mpp' });
    assert.match(a.info.quickHash, /^[0-9a-f]{64}$/);
    assert.equal(reg.stats().referenced, 1);
    a.release();
    b.release();
    b.release(); // idempotent
    assert.deepEqual([reg.stats().open, reg.stats().referenced], [1, 0]);
    await assert.rejects(a.readRegion({ x: 0, y: 0, width: 1, height: 1, level: 0 }), (e: unknown) => (e as AppError).code === 'SLIDE_CLOSED');
  });
});

test('LRU eviction closes the least recently used unreferenced handle, never a referenced one', async () => {
  await withFiles(3, async ([p0, p1, p2]) => {
    const opened: FakeHandle[] = [];
    const reg = new SlideRegistry({ maxOpenSlides: 2, openSlide: fakeOpener(opened) });
    const l0 = await reg.acquire(p0!);
    await reg.use(p1!, async () => undefined);
    await reg.use(p2!, async () => undefined); // over the limit: p1 is the LRU unreferenced handle
    assert.deepEqual(
      opened.map((h) => h.closeCount),
      [0, 1, 0],
    );
    assert.equal(reg.stats().open, 2);
    assert.equal(reg.stats().evictions, 1);
    l0.release();
    await reg.use(p1!, async () => undefined); // reopens p1; p0 (released, oldest) goes
    assert.equal(opened.length, 4);
    assert.equal(opened[0]!.closeCount, 1);
  });
});

test('the byte budget limits open handles like the count does', async () => {
  await withFiles(3, async (paths) => {
    const opened: FakeHandle[] = [];
    const reg = new SlideRegistry({ maxBytes: 100, bytesPerSlide: 40, openSlide: fakeOpener(opened) });
    for (const p of paths) await reg.use(p, async () => undefined);
    assert.equal(reg.stats().open, 2);
    assert.ok(reg.stats().bytes <= 100);
    assert.equal(opened[0]!.closeCount, 1);
  });
});

test('failed opens are reported and not cached', async () => {
  const opened: FakeHandle[] = [];
  const reg = new SlideRegistry({ openSlide: fakeOpener(opened) });
  await assert.rejects(reg.acquire('/nowhere/missing'), (e: unknown) => (e as AppError).code === 'SLIDE_NOT_FOUND');
  assert.equal(reg.stats().open, 0);
  assert.equal(reg.stats().referenced, 0);
});

test('a read failure retires the handle (OpenSlide errors latch): closed on last release, reopened next time', async () => {
  await withFiles(1, async ([p]) => {
    const opened: FakeHandle[] = [];
    const reg = new SlideRegistry({ openSlide: fakeOpener(opened) });
    const a = await reg.acquire(p!);
    opened[0]!.failReads = true;
    await assert.rejects(a.readRegion({ x: 0, y: 0, width: 1, height: 1, level: 0 }), (e: unknown) => (e as AppError).code === 'SLIDE_READ_FAILED');
    assert.equal(opened[0]!.closeCount, 0, 'still leased');
    a.release();
    assert.equal(opened[0]!.closeCount, 1);
    const img = await reg.readRegion(p!, { x: 0, y: 0, width: 2, height: 2, level: 0 });
    assert.equal(img.data.length, 16);
    assert.equal(opened.length, 2);
  });
});

test('reads are validated against the slide levels', async () => {
  await withFiles(1, async ([p]) => {
    const reg = new SlideRegistry({ openSlide: fakeOpener([]) });
    await assert.rejects(reg.readRegion(p!, { x: -3, y: 0, width: 1, height: 1, level: 0 }), /region\.x but received -3/);
    await assert.rejects(reg.readRegion(p!, { x: 0, y: 0, width: 1, height: 1, level: 1 }), /level between 0 and 0/);
  });
});

test('closeAll closes idle handles now and leased ones on release', async () => {
  await withFiles(2, async ([p0, p1]) => {
    const opened: FakeHandle[] = [];
    const reg = new SlideRegistry({ openSlide: fakeOpener(opened) });
    const leased = await reg.acquire(p0!);
    await reg.use(p1!, async () => undefined);
    reg.closeAll();
    assert.deepEqual(
      opened.map((h) => h.closeCount),
      [0, 1],
    );
    leased.release();
    assert.equal(opened[0]!.closeCount, 1);
    assert.equal(reg.stats().open, 0);
  });
});
