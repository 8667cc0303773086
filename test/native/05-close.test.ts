// Closing: use after close is SLIDE_CLOSED; closing while reads are in flight never crashes,
// every read settles (pixels intact or SLIDE_CLOSED), and the OpenSlide handle is freed afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../electron/shared/errors/AppError.js';
import { openSlide, openSlideHandleCount } from '../../native/lib/index.js';
import type { RegionRead } from '../../native/lib/types.js';
import { expectCode, firstDifference, forceGc, slidePath, slidesSkipReason } from './slideFixtures.js';

const skip = slidesSkipReason();

/** Waits until `predicate` holds, polling the event loop (handles are freed on worker threads). */
async function eventually(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(predicate(), what);
}

test('every method after close is SLIDE_CLOSED; close is idempotent; metadata stays readable', { skip }, async () => {
  const slide = await openSlide(slidePath('cmu-1-small-region.svs'));
  slide.close();
  slide.close();
  assert.equal(slide.closed, true);
  await expectCode(slide.readRegion({ x: 0, y: 0, level: 0, width: 16, height: 16 }), 'SLIDE_CLOSED');
  await expectCode(slide.readAssociatedImage('label'), 'SLIDE_CLOSED');
  await expectCode(() => slide.bestLevelForDownsample(2), 'SLIDE_CLOSED');
  assert.equal(slide.levels[0]?.width, 2220);
  assert.equal(slide.properties['openslide.vendor'], 'aperio');
});

test('closing while 20 reads are in flight: all settle, pixels intact or SLIDE_CLOSED, handle freed', { skip }, async () => {
  const path = slidePath('cmu-1-small-region.svs');
  const regions: RegionRead[] = Array.from({ length: 20 }, (_, i) => ({ x: (i % 5) * 400, y: Math.floor(i / 5) * 600, level: 0, width: 384, height: 384 }));
  const reference = await openSlide(path);
  const expected = await Promise.all(regions.map((r) => reference.readRegion(r)));
  reference.close();
  const baseline = openSlideHandleCount();

  let fulfilled = 0;
  let closedEarly = 0;
  for (let round = 0; round < 5; round++) {
    const slide = await openSlide(path);
    assert.equal(openSlideHandleCount(), baseline + 1);
    const reads = regions.map((r) => slide.readRegion(r));
    slide.close();
    assert.equal(slide.closed, true);
    const results = await Promise.allSettled(reads);
    assert.equal(results.length, 20);
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        fulfilled++;
        assert.equal(firstDifference(result.value.data, expected[i]!.data), undefined, `read ${i} racing close is intact`);
      } else {
        closedEarly++;
        assert.ok(result.reason instanceof AppError && result.reason.code === 'SLIDE_CLOSED', String(result.reason));
      }
    });
    await eventually(() => openSlideHandleCount() === baseline, 'the last read frees the handle');
  }
  assert.equal(fulfilled + closedEarly, 100);
  process.stdout.write(`# racing close: ${fulfilled} reads finished, ${closedEarly} cancelled\n`);
});

test('reads queued after a latched error and close all settle', { skip }, async () => {
  const slide = await openSlide(slidePath('unreadable.svs'));
  const reads = Array.from({ length: 10 }, () => slide.readRegion({ x: 0, y: 0, level: 0, width: 16, height: 16 }));
  slide.close();
  for (const result of await Promise.allSettled(reads)) {
    assert.equal(result.status, 'rejected');
    const code = (result.reason as AppError).code;
    assert.ok(code === 'SLIDE_READ_FAILED' || code === 'SLIDE_CLOSED', code);
  }
});

test('a slide dropped without close() is freed when garbage-collected', { skip }, async () => {
  const baseline = openSlideHandleCount();
  await (async () => {
    const slide = await openSlide(slidePath('boxes.tiff'));
    await slide.readRegion({ x: 0, y: 0, level: 0, width: 8, height: 8 });
    assert.equal(openSlideHandleCount(), baseline + 1);
  })();
  await eventually(() => {
    forceGc();
    return openSlideHandleCount() === baseline;
  }, 'GC closes the OpenSlide handle');
});
