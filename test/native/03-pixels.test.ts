// Pixels: straight RGBA equal to OpenSlide's own reader (openslide-python), exact source pixels for
// lossless slides, transparent outside the slide, and the un-premultiply rule on every alpha value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openSlide } from '../../native/lib/index.js';
import { loadAddon } from '../../native/lib/loadAddon.js';
import type { OpenSlideHandle, RegionRead } from '../../native/lib/types.js';
import {
  buildAperioSvs,
  buildPyramidalTiff,
  loadRaw,
  makePattern,
  makeTempDir,
  syntheticSlideSkipReason,
  type RawImage,
  type TempDir,
  writePng,
} from '../helpers/syntheticSlide.js';
import { FIXTURES, addonSkipReason, firstDifference, referencePixels, referenceSkipReason, slidePath, slidesSkipReason } from './slideFixtures.js';

const run = promisify(execFile);
const slidesSkip = slidesSkipReason();
const refSkip = slidesSkip ?? referenceSkipReason();
const synthSkip = addonSkipReason() ?? syntheticSlideSkipReason();
let tmp: TempDir;

test.before(async () => {
  tmp = await makeTempDir('marrowscope-native-pixels-');
});
test.after(async () => {
  await tmp?.cleanup();
});

/** RGB(A) source pixels as the straight RGBA a read of the whole level 0 must return. */
function asRgba(image: RawImage): Buffer {
  if (image.channels === 4) return image.data;
  const out = Buffer.alloc(image.width * image.height * 4, 255);
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) image.data.copy(out, j, i, i + 3);
  return out;
}

/**
 * Regions at every level OpenSlide decodes itself: the top-left corner, the middle, and one hanging
 * over the bottom-right edge. (On resampled levels openslide-python returns garbage; see below.)
 */
function regionsFor(slide: OpenSlideHandle): RegionRead[] {
  const regions: RegionRead[] = [];
  slide.levels.forEach((level, i) => {
    if (slide.resampledLevels?.includes(i)) return;
    const size = (n: number) => Math.min(n, 200);
    const ds = level.downsample;
    regions.push({ x: 0, y: 0, level: i, width: size(level.width), height: size(level.height) });
    regions.push({ x: Math.floor((level.width / 2) * ds), y: Math.floor((level.height / 3) * ds), level: i, width: 97, height: 61 });
    regions.push({ x: Math.floor(Math.max(0, level.width - 40) * ds), y: Math.floor(Math.max(0, level.height - 30) * ds), level: i, width: 80, height: 60 });
  });
  return regions;
}

async function assertMatchesReference(path: string): Promise<number> {
  const slide = await openSlide(path);
  try {
    const regions = regionsFor(slide);
    const names = [...slide.associatedImageNames];
    const reference = await referencePixels(path, regions, names);
    for (const [i, region] of regions.entries()) {
      const img = await slide.readRegion(region);
      assert.equal(img.data.length, region.width * region.height * 4);
      assert.equal(firstDifference(img.data, reference[i]!), undefined, `${path} ${JSON.stringify(region)}`);
    }
    for (const [i, name] of names.entries()) {
      const img = await slide.readAssociatedImage(name);
      const info = slide.associatedImages[i]!;
      assert.deepEqual([img.width, img.height], [info.width, info.height]);
      assert.equal(firstDifference(img.data, reference[regions.length + i]!), undefined, `${path} associated ${name}`);
    }
    return regions.length + names.length;
  } finally {
    slide.close();
  }
}

for (const [name, expected] of Object.entries(FIXTURES)) {
  if (typeof expected === 'string' || expected.readFails) continue;
  test(`${name}: regions at every level and associated images equal openslide-python's`, { skip: refSkip }, async () => {
    assert.ok((await assertMatchesReference(slidePath(name))) >= 3);
  });
}

test('boxes.tiff level 0 equals boxes.png exactly', { skip: slidesSkip }, async () => {
  const png = await loadRaw(slidePath('boxes.png'));
  const slide = await openSlide(slidePath('boxes.tiff'));
  try {
    const img = await slide.readRegion({ x: 0, y: 0, level: 0, width: png.width, height: png.height });
    assert.equal(firstDifference(img.data, asRgba(png)), undefined);
  } finally {
    slide.close();
  }
});

test('pixels outside the slide are transparent (alpha 0, RGB 0)', { skip: slidesSkip }, async () => {
  const slide = await openSlide(slidePath('boxes.tiff'));
  try {
    // 300×250 slide: the read covers 280..319 × 240..259, so columns ≥ 20 or rows ≥ 10 are outside.
    const img = await slide.readRegion({ x: 280, y: 240, level: 0, width: 40, height: 20 });
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 40; x++) {
        const px = [...img.data.subarray((y * 40 + x) * 4, (y * 40 + x) * 4 + 4)];
        if (x >= 20 || y >= 10) assert.deepEqual(px, [0, 0, 0, 0], `(${x}, ${y})`);
        else assert.equal(px[3], 255, `(${x}, ${y}) inside is opaque`);
      }
    }
  } finally {
    slide.close();
  }
});

test('synthetic deflate pyramidal TIFF: level 0 is the source pattern, lower levels match OpenSlide', { skip: synthSkip }, async () => {
  const pattern = makePattern(700, 530, 7);
  const path = await buildPyramidalTiff(pattern, join(tmp.dir, 'pattern.tif'), { compression: 'deflate' });
  const slide = await openSlide(path);
  try {
    assert.equal(slide.vendor, 'generic-tiff');
    assert.deepEqual(slide.levels[0], { width: 700, height: 530, downsample: 1 });
    assert.ok(slide.levels.length >= 2, 'vips wrote a pyramid');
    const img = await slide.readRegion({ x: 0, y: 0, level: 0, width: 700, height: 530 });
    assert.equal(firstDifference(img.data, asRgba(pattern)), undefined);
    // A region crossing tile boundaries (256² tiles) equals the same crop of the source.
    const crop = await slide.readRegion({ x: 250, y: 251, level: 0, width: 300, height: 9 });
    for (let row = 0; row < 9; row++) {
      const src = asRgba(pattern).subarray(((251 + row) * 700 + 250) * 4, ((251 + row) * 700 + 550) * 4);
      assert.equal(firstDifference(crop.data.subarray(row * 1200, (row + 1) * 1200), src), undefined, `row ${row}`);
    }
  } finally {
    slide.close();
  }
  if (!referenceSkipReason()) await assertMatchesReference(path);
});

test('synthetic Aperio SVS: vendor aperio, mpp 0.25, AppMag 40, exact pixels (deflate) and OpenSlide pixels (JPEG)', { skip: synthSkip }, async () => {
  const pattern = makePattern(600, 450, 3);
  const lossless = await buildAperioSvs(pattern, join(tmp.dir, 'smear.svs'), { mpp: 0.25, appMag: 40 });
  const slide = await openSlide(lossless);
  try {
    assert.equal(slide.vendor, 'aperio');
    assert.equal(slide.properties['openslide.mpp-x'], '0.25');
    assert.equal(slide.properties['openslide.mpp-y'], '0.25');
    assert.equal(slide.properties['openslide.objective-power'], '40');
    const img = await slide.readRegion({ x: 0, y: 0, level: 0, width: 600, height: 450 });
    assert.equal(firstDifference(img.data, asRgba(pattern)), undefined);
  } finally {
    slide.close();
  }
  const jpeg = await buildAperioSvs(pattern, join(tmp.dir, 'smear-jpeg.svs'), { compression: 'jpeg', mpp: 0.5, appMag: 20 });
  const j = await openSlide(jpeg);
  try {
    assert.equal(j.properties['openslide.mpp-x'], '0.5');
    assert.equal(j.properties['openslide.objective-power'], '20');
  } finally {
    j.close();
  }
  if (!referenceSkipReason()) await assertMatchesReference(jpeg);
});

test('premultiplied ARGB converts to straight RGBA for every alpha value', { skip: addonSkipReason() }, () => {
  const addon = loadAddon();
  const count = 256 * 4;
  const argb = Buffer.alloc(count * 4);
  const straight: number[][] = [];
  for (let a = 0; a < 256; a++) {
    for (const [k, c] of [0, 1, 97, 255].entries()) {
      const p = Math.floor((c * a) / 255); // the colour c premultiplied by a, as OpenSlide stores it
      argb.writeUInt32LE(((a << 24) | (p << 16) | (Math.floor(p / 2) << 8) | a) >>> 0, (a * 4 + k) * 4);
      straight.push(a === 0 ? [0, 0, 0, 0] : [Math.floor((p * 255) / a), Math.floor((Math.floor(p / 2) * 255) / a), Math.min(255, Math.floor((a * 255) / a)), a]);
    }
  }
  const rgba = addon.argbToRgba(argb);
  assert.equal(rgba.length, argb.length);
  for (let i = 0; i < count; i++) assert.deepEqual([...rgba.subarray(i * 4, i * 4 + 4)], straight[i], `pixel ${i}`);
  // Opaque pixels are a plain byte shuffle.
  const opaque = Buffer.alloc(4);
  opaque.writeUInt32LE(0xff102030, 0);
  assert.deepEqual([...addon.argbToRgba(opaque)], [0x10, 0x20, 0x30, 0xff]);
});

test('non-JPEG levels smaller than a tile are resampled from the last good level; JPEG ones are OpenSlide’s', { skip: synthSkip }, async () => {
  // Raw vips pyramids (not the helper, which drops such levels): 300×250 with 64-px tiles.
  const src = await writePng(makePattern(300, 250, 5), join(tmp.dir, 'small.png'));
  const resampled: number[][] = [];
  for (const compression of ['deflate', 'jpeg']) {
    const path = join(tmp.dir, `subtile-${compression}.tif`);
    await run('vips', ['tiffsave', src, path, '--tile', '--pyramid', '--tile-width', '64', '--tile-height', '64', '--compression', compression]);
    const slide = await openSlide(path);
    try {
      assert.equal(slide.levels.length, 4);
      resampled.push([...(slide.resampledLevels ?? [])]);
      for (let level = 1; level < 4; level++) {
        const { width, height } = slide.levels[level]!;
        const img = await slide.readRegion({ x: 0, y: 0, level, width, height });
        // vips decodes its own pyramid correctly: the level must look like vips' copy of it.
        const expected = asRgba(await loadRaw(await extractPage(path, level)));
        const diff = meanAbsDifference(img.data, expected);
        assert.ok(diff < (compression === 'jpeg' ? 1 : 4), `${compression} level ${level}: mean |Δ| ${diff.toFixed(2)}`);
      }
    } finally {
      slide.close();
    }
  }
  assert.deepEqual(resampled, [[2, 3], []]);
});

async function extractPage(path: string, page: number): Promise<string> {
  const out = join(tmp.dir, `page-${page}-${Math.random().toString(36).slice(2)}.png`);
  await run('vips', ['copy', `${path}[page=${page}]`, out]);
  return out;
}

function meanAbsDifference(a: Buffer, b: Buffer): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
