// readRegionJpeg: the native read + libjpeg encode gives what readRegion + sharp gives (up to JPEG
// rounding), composites transparency over the background, refuses bad arguments with coded errors,
// and leaves resampled levels to readRegion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { openSlide } from '../../native/lib/index.js';
import { encodeRgba } from '../../electron/core/slide/encodeImage.js';
import { expectCode, slidePath, slidesSkipReason } from './slideFixtures.js';

const skip = slidesSkipReason();

async function rgb(jpeg: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

test('native JPEG tiles match readRegion + sharp on real slides of three vendors', { skip }, async () => {
  for (const [name, region] of [
    ['cmu-1-small-region.svs', { x: 700, y: 900, level: 0, width: 256, height: 256 }],
    ['test3-DAPI-2-(387).ndpi', { x: 1024, y: 2048, level: 1, width: 256, height: 240 }],
    ['boxes.tiff', { x: 0, y: 0, level: 0, width: 300, height: 250 }],
  ] as const) {
    const slide = await openSlide(slidePath(name));
    try {
      const native = await slide.readRegionJpeg!(region, { quality: 90, background: 'ffffff' });
      assert.ok(native, `${name}: a JPEG`);
      assert.equal(native.subarray(0, 2).toString('hex'), 'ffd8', `${name}: JPEG SOI marker`);
      const viaSharp = await encodeRgba(await slide.readRegion(region), { format: 'jpeg', quality: 90, background: 'ffffff' });
      const [a, b] = [await rgb(native), await rgb(viaSharp.data)];
      assert.deepEqual([a.width, a.height], [region.width, region.height]);
      const d = meanAbsDiff(a.data, b.data);
      assert.ok(d < 1.0, `${name}: mean |Δ| ${d.toFixed(3)} per channel between the native and the sharp JPEG`);
    } finally {
      slide.close();
    }
  }
});

test('native JPEG tiles paint transparent pixels (outside the slide) with the background colour', { skip }, async () => {
  const slide = await openSlide(slidePath('boxes.tiff'));
  try {
    // 300 × 250 slide: this 64² region is half outside on the right.
    const jpeg = await slide.readRegionJpeg!({ x: 268, y: 0, level: 0, width: 64, height: 64 }, { quality: 95, background: '2040c0' });
    const { data } = await rgb(jpeg!);
    const px = (x: number, y: number) => [...data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
    const far = px(60, 32);
    assert.ok(Math.abs(far[0]! - 0x20) <= 3 && Math.abs(far[1]! - 0x40) <= 3 && Math.abs(far[2]! - 0xc0) <= 3, `outside the slide is the background, got ${far}`);
  } finally {
    slide.close();
  }
});

test('native JPEG: bad arguments are coded errors, resampled levels are left to readRegion, a closed slide refuses', { skip }, async () => {
  const slide = await openSlide(slidePath('boxes.tiff'));
  await expectCode(slide.readRegionJpeg!({ x: 0, y: 0, level: 0, width: 16, height: 16 }, { quality: 0, background: 'ffffff' }), 'VALIDATION_FAILED');
  await expectCode(slide.readRegionJpeg!({ x: 0, y: 0, level: 0, width: 16, height: 16 }, { quality: 80, background: '#fff' }), 'VALIDATION_FAILED');
  await expectCode(slide.readRegionJpeg!({ x: 0, y: 0, level: 9, width: 16, height: 16 }, { quality: 80, background: 'ffffff' }), 'VALIDATION_FAILED');
  await expectCode(slide.readRegionJpeg!({ x: 0, y: 0, level: 0, width: 70_000, height: 1 }, { quality: 80, background: 'ffffff' }), 'VALIDATION_FAILED');
  // Levels 2 and 3 of boxes.tiff are resampled by the facade (OpenSlide 3.4.1 cannot decode them).
  assert.equal(await slide.readRegionJpeg!({ x: 0, y: 0, level: 3, width: 16, height: 16 }, { quality: 80, background: 'ffffff' }), null);
  slide.close();
  await expectCode(slide.readRegionJpeg!({ x: 0, y: 0, level: 0, width: 16, height: 16 }, { quality: 80, background: 'ffffff' }), 'SLIDE_CLOSED');
});

test('a slide with corrupt tiles fails the native JPEG read with SLIDE_READ_FAILED', { skip }, async () => {
  const slide = await openSlide(slidePath('unreadable.svs'));
  try {
    await expectCode(slide.readRegionJpeg!({ x: 0, y: 0, level: 0, width: 16, height: 16 }, { quality: 80, background: 'ffffff' }), 'SLIDE_READ_FAILED');
  } finally {
    slide.close();
  }
});
