// Arguments: every bad value is VALIDATION_FAILED with a message naming the field and the value,
// both in the TypeScript facade and in the C++ binding underneath it (which must never crash).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSlide, MAX_REGION_BYTES } from '../../native/lib/index.js';
import { loadAddon, type NativeSlideHandle } from '../../native/lib/loadAddon.js';
import type { OpenSlideHandle, RegionRead } from '../../native/lib/types.js';
import { expectCode, slidePath, slidesSkipReason } from './slideFixtures.js';

const skip = slidesSkipReason();
const good: RegionRead = { x: 0, y: 0, level: 0, width: 8, height: 8 };

async function withBoxes(fn: (slide: OpenSlideHandle) => Promise<void>): Promise<void> {
  const slide = await openSlide(slidePath('boxes.tiff'));
  try {
    await fn(slide);
  } finally {
    slide.close();
  }
}

const cases: [string, Partial<Record<keyof RegionRead, unknown>>, string][] = [
  ['negative x', { x: -3 }, 'Expected integer ≥ 0 for region.x but received -3'],
  ['negative y', { y: -1 }, 'Expected integer ≥ 0 for region.y but received -1'],
  ['fractional x', { x: 1.5 }, 'Expected integer ≥ 0 for region.x but received 1.5'],
  ['string y', { y: '3' }, 'Expected integer ≥ 0 for region.y but received "3"'],
  // (validate() prints non-finite numbers as JSON does, so only the prefix is checked.)
  ['NaN x', { x: Number.NaN }, 'Expected integer ≥ 0 for region.x but received'],
  ['level above range', { level: 4 }, 'Expected integer level in 0..3 for region.level but received 4'],
  ['negative level', { level: -1 }, 'Expected integer level in 0..3 for region.level but received -1'],
  ['zero width', { width: 0 }, 'Expected integer ≥ 1 for region.width but received 0'],
  ['negative height', { height: -5 }, 'Expected integer ≥ 1 for region.height but received -5'],
  ['infinite width', { width: Number.POSITIVE_INFINITY }, 'Expected integer ≥ 1 for region.width but received'],
  ['missing height', { height: undefined }, 'Expected integer ≥ 1 for region.height but received nothing'],
  ['huge width', { width: 1e9 }, `Expected integer ≤ ${MAX_REGION_BYTES / 4} for region.width but received 1000000000`],
  ['huge area', { width: 100_000, height: 100_000 }, 'Expected width × height × 4 ≤ 268435456 bytes (256 MiB); read smaller regions for region.width'],
];

for (const [name, change, message] of cases) {
  test(`readRegion rejects ${name}`, { skip }, () =>
    withBoxes(async (slide) => {
      const err = await expectCode(slide.readRegion({ ...good, ...change } as RegionRead), 'VALIDATION_FAILED');
      assert.ok(err.message.startsWith(message), `message: ${err.message}`);
    }),
  );
}

test('readRegion rejects a non-object request', { skip }, () =>
  withBoxes(async (slide) => {
    await expectCode(slide.readRegion(null as unknown as RegionRead), 'VALIDATION_FAILED');
  }),
);

test('a region far outside the slide is valid and transparent', { skip }, () =>
  withBoxes(async (slide) => {
    const img = await slide.readRegion({ x: 1_000_000, y: 1_000_000, level: 3, width: 64, height: 64 });
    assert.ok(img.data.every((b) => b === 0));
  }),
);

test('bestLevelForDownsample rejects zero, negative and non-finite factors', { skip }, () =>
  withBoxes(async (slide) => {
    for (const bad of [0, -2, Number.NaN, Number.POSITIVE_INFINITY, '2']) {
      const err = await expectCode(() => slide.bestLevelForDownsample(bad as number), 'VALIDATION_FAILED');
      assert.match(err.message, /Expected a finite number > 0 for downsample/);
    }
  }),
);

test('readAssociatedImage rejects empty and unknown names, listing the known ones', { skip }, async () => {
  const slide = await openSlide(slidePath('cmu-1-small-region.svs'));
  try {
    assert.match((await expectCode(slide.readAssociatedImage(''), 'VALIDATION_FAILED')).message, /non-empty string for associatedImage\.name/);
    const err = await expectCode(slide.readAssociatedImage('overview'), 'VALIDATION_FAILED');
    assert.equal(err.message, 'Expected an associated image name (label, macro, thumbnail) but received "overview"');
  } finally {
    slide.close();
  }
  await withBoxes(async (boxes) => {
    assert.match((await expectCode(boxes.readAssociatedImage('label'), 'VALIDATION_FAILED')).message, /\(none\)/);
  });
});

test('the C++ binding itself rejects bad arguments with coded errors instead of crashing', { skip }, async () => {
  const addon = loadAddon();
  const opened = await addon.open(slidePath('boxes.tiff'));
  const h = opened.handle;
  const codeOf = async (fn: () => unknown): Promise<unknown> => {
    try {
      await fn();
      return 'no error';
    } catch (err) {
      return (err as { code?: unknown }).code;
    }
  };
  try {
    assert.equal(await codeOf(() => addon.readRegion(h, 0, 0, 0, -1, 5)), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.readRegion(h, 0, 0, 0, 2 ** 31, 2 ** 31)), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.readRegion(h, 0, 0, 99, 4, 4)), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.readRegion(h, 0.5, 0, 0, 4, 4)), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.readRegion(h, 2 ** 60, 0, 0, 4, 4)), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.readRegion(h, 'x' as unknown as number, 0, 0, 4, 4)), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.readRegion({} as NativeSlideHandle, 0, 0, 0, 4, 4)), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.readAssociatedImage(h, 'nope')), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.close(42 as unknown as NativeSlideHandle)), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.open(7 as unknown as string)), 'VALIDATION_FAILED');
    assert.equal(await codeOf(() => addon.argbToRgba(Buffer.alloc(3))), 'VALIDATION_FAILED');
    // Negative coordinates are legal for OpenSlide itself (transparent); the facade forbids them.
    assert.equal((await addon.readRegion(h, -4, -4, 0, 4, 4)).length, 64);
  } finally {
    addon.close(h);
  }
});
