// Nothing leaks: hundreds of opens/closes and region reads leave no OpenSlide handle open and
// keep the process's resident memory bounded (pixel buffers live in V8 memory and are collected).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSlide, openSlideHandleCount } from '../../native/lib/index.js';
import { forceGc, slidePath, slidesSkipReason } from './slideFixtures.js';

const skip = slidesSkipReason();
const MiB = 1024 * 1024;

async function rssAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    forceGc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().rss;
}

async function openCloseMany(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const slide = await openSlide(slidePath(i % 2 ? 'cmu-1-small-region.svs' : 'test3-DAPI-2-(387).ndpi'));
    await slide.readRegion({ x: 100, y: 100, level: 0, width: 64, height: 64 });
    slide.close();
  }
}

async function readMany(count: number): Promise<void> {
  const slide = await openSlide(slidePath('cmu-1-small-region.svs'));
  try {
    for (let i = 0; i < count; i += 4) {
      // Four in flight, spread over the slide so OpenSlide's tile cache churns.
      await Promise.all(
        [0, 1, 2, 3].map((k) => slide.readRegion({ x: ((i + k) * 397) % 1900, y: ((i + k) * 613) % 2600, level: 0, width: 256, height: 256 })),
      );
    }
  } finally {
    slide.close();
  }
}

test('200 opens/closes and 500 region reads leave no handle open and bounded RSS', { skip }, async () => {
  const handles = openSlideHandleCount();
  // Warm up allocators, OpenSlide's caches and V8 before taking the baseline.
  await openCloseMany(40);
  await readMany(100);
  const before = await rssAfterGc();
  await openCloseMany(200);
  await readMany(500);
  const after = await rssAfterGc();
  const growth = (after - before) / MiB;
  process.stdout.write(`# RSS ${Math.round(before / MiB)} MiB -> ${Math.round(after / MiB)} MiB (growth ${growth.toFixed(1)} MiB)\n`);
  assert.equal(openSlideHandleCount(), handles, 'every handle closed');
  // 500 reads allocate 125 MiB of pixels and 200 opens ~200 handles: a leak of either shows up well above this.
  assert.ok(growth < 40, `RSS grew ${growth.toFixed(1)} MiB`);
});
