// Bad files and broken slides: each fails with its own error code, never a crash or a plausible image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openSlide } from '../../native/lib/index.js';
import { buildAperioSvs, makePattern, makeTempDir, syntheticSlideSkipReason, type TempDir, writePng } from '../helpers/syntheticSlide.js';
import { addonSkipReason, expectCode, slidePath, slidesSkipReason } from './slideFixtures.js';

const skip = addonSkipReason() ?? syntheticSlideSkipReason();
const slidesSkip = slidesSkipReason();
let tmp: TempDir;

test.before(async () => {
  tmp = await makeTempDir('marrowscope-native-errors-');
});
test.after(async () => {
  await tmp?.cleanup();
});

test('a missing path is SLIDE_NOT_FOUND and names the path', { skip }, async () => {
  const missing = join(tmp.dir, 'no such slide.svs');
  const err = await expectCode(openSlide(missing), 'SLIDE_NOT_FOUND');
  assert.ok(err.message.includes(missing));
  await expectCode(openSlide(join(tmp.dir, 'not-a-dir.svs', 'x.svs')), 'SLIDE_NOT_FOUND');
});

test('a directory is SLIDE_UNSUPPORTED_FORMAT', { skip }, async () => {
  const err = await expectCode(openSlide(tmp.dir), 'SLIDE_UNSUPPORTED_FORMAT');
  assert.match(err.message, /folder/);
});

test('an empty file is SLIDE_UNSUPPORTED_FORMAT', { skip }, async () => {
  const empty = join(tmp.dir, 'empty.svs');
  await writeFile(empty, '');
  assert.match((await expectCode(openSlide(empty), 'SLIDE_UNSUPPORTED_FORMAT')).message, /empty/);
});

test('a text file named .svs is SLIDE_UNSUPPORTED_FORMAT', { skip }, async () => {
  const text = join(tmp.dir, 'notes.svs');
  await writeFile(text, 'this is not a slide\n'.repeat(100));
  await expectCode(openSlide(text), 'SLIDE_UNSUPPORTED_FORMAT');
});

test('a plain PNG and a plain untiled TIFF are SLIDE_UNSUPPORTED_FORMAT', { skip }, async () => {
  const png = await writePng(makePattern(64, 48), join(tmp.dir, 'plain.png'));
  await expectCode(openSlide(png), 'SLIDE_UNSUPPORTED_FORMAT');
  const tif = join(tmp.dir, 'plain.tif');
  await promisify(execFile)('vips', ['tiffsave', png, tif]);
  await expectCode(openSlide(tif), 'SLIDE_UNSUPPORTED_FORMAT');
});

test('empty and non-string paths are VALIDATION_FAILED', { skip }, async () => {
  const err = await expectCode(openSlide(''), 'VALIDATION_FAILED');
  assert.match(err.message, /Expected a non-empty string for slide\.path/);
  await expectCode(openSlide(42 as unknown as string), 'VALIDATION_FAILED');
});

test('DICOM files are SLIDE_UNSUPPORTED_FORMAT on OpenSlide 3.x with a reason', { skip: slidesSkip }, async () => {
  for (const name of ['small_dicom.dcm', 'boxes_0.dcm', 'boxes_1.dcm']) {
    const err = await expectCode(openSlide(slidePath(name)), 'SLIDE_UNSUPPORTED_FORMAT');
    assert.match(err.message, /DICOM needs OpenSlide 4\.0/);
  }
});

test('a truncated SVS whose TIFF directories are cut off is SLIDE_READ_FAILED at open', { skip: slidesSkip }, async () => {
  const cut = join(tmp.dir, 'truncated-half.svs');
  await copyFile(slidePath('cmu-1-small-region.svs'), cut);
  await truncate(cut, Math.floor((await stat(cut)).size / 2));
  assert.match((await expectCode(openSlide(cut), 'SLIDE_READ_FAILED')).message, /truncated/);
});

test('a truncated SVS that still opens fails its reads, and the error latches', { skip: slidesSkip }, async () => {
  // Cutting the last 55 bytes leaves every directory but damages the macro image's strip.
  const cut = join(tmp.dir, 'truncated-tail.svs');
  await copyFile(slidePath('cmu-1-small-region.svs'), cut);
  await truncate(cut, (await stat(cut)).size - 55);
  const slide = await openSlide(cut);
  try {
    assert.deepEqual(slide.associatedImageNames, ['label', 'macro', 'thumbnail']);
    const label = await slide.readAssociatedImage('label');
    assert.equal(label.data.length, label.width * label.height * 4);
    await expectCode(slide.readAssociatedImage('macro'), 'SLIDE_READ_FAILED');
    // The handle is now broken: reads that would have worked fail too.
    const err = await expectCode(slide.readRegion({ x: 0, y: 0, level: 0, width: 64, height: 64 }), 'SLIDE_READ_FAILED');
    assert.match(err.message, /earlier read error/);
    await expectCode(slide.readAssociatedImage('label'), 'SLIDE_READ_FAILED');
  } finally {
    slide.close();
  }
});

test('unreadable.svs opens, then its region read fails and every later read fails', { skip: slidesSkip }, async () => {
  const slide = await openSlide(slidePath('unreadable.svs'));
  try {
    const err = await expectCode(slide.readRegion({ x: 0, y: 0, level: 0, width: 16, height: 16 }), 'SLIDE_READ_FAILED');
    assert.match(err.message, /Bogus marker length/);
    await expectCode(slide.readRegion({ x: 0, y: 0, level: 0, width: 1, height: 1 }), 'SLIDE_READ_FAILED');
    const later = await expectCode(slide.readAssociatedImage('thumbnail'), 'SLIDE_READ_FAILED');
    assert.match(later.message, /earlier read error: Bogus marker length/);
  } finally {
    slide.close();
  }
  await expectCode(slide.readRegion({ x: 0, y: 0, level: 0, width: 1, height: 1 }), 'SLIDE_CLOSED');
});

test('unopenable.tiff is SLIDE_READ_FAILED with OpenSlide’s reason', { skip: slidesSkip }, async () => {
  assert.match((await expectCode(openSlide(slidePath('unopenable.tiff')), 'SLIDE_READ_FAILED')).message, /Unsupported TIFF compression/);
});

test('paths with spaces, parentheses and # work', { skip }, async () => {
  const dir = join(tmp.dir, 'a folder (copy) #2');
  await mkdir(dir);
  const path = await buildAperioSvs(makePattern(300, 200), join(dir, 'smear (1) [x].svs'));
  const slide = await openSlide(path);
  try {
    assert.equal(slide.vendor, 'aperio');
    const img = await slide.readRegion({ x: 10, y: 20, level: 0, width: 30, height: 40 });
    assert.equal(img.data.length, 30 * 40 * 4);
  } finally {
    slide.close();
  }
  assert.ok((await readFile(path)).length > 0);
});

test('the real NDPI named with spaces and parentheses reads', { skip: slidesSkip }, async () => {
  const slide = await openSlide(slidePath('test3-TRITC 2 (560).ndpi'));
  try {
    const img = await slide.readRegion({ x: 1000, y: 1000, level: 2, width: 64, height: 64 });
    assert.equal(img.data[3], 255);
  } finally {
    slide.close();
  }
});
