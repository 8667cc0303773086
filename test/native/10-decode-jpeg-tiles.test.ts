// decodeJpegTiles: rectangles of stored JPEG tiles decoded (libjpeg-turbo, cropped scanlines and
// iMCU columns) onto one canvas give the pixels of a full decode, and OpenSlide's own pixels for a
// real slide's stored tile, given as bytes or as a file range after the TIFF's JPEGTables; uncovered
// pixels stay transparent (RGBA) or take the background (JPEG); damaged data, unreadable file ranges
// and pieces off the canvas are coded errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeJpegTiles, openSlide } from '../../native/lib/index.js';
import { readStoredJpegLevels, readStoredJpegTiles } from '../../electron/core/slide/storedJpegTiles.js';
import { AppError } from '../../electron/shared/errors/AppError.js';
import { slidePath, slidesSkipReason } from './slideFixtures.js';

const skip = slidesSkipReason();

/** A 4:2:0 baseline JPEG of a smooth, structured 200×150 image (every rectangle differs). */
async function sample(): Promise<Buffer> {
  const w = 200, h = 150;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) raw.set([(x * 5 + y) & 255, (y * 7) & 255, ((x ^ y) * 3) & 255], (y * w + x) * 3);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 85, chromaSubsampling: '4:2:0' }).toBuffer();
}

test('a cropped rectangle equals the same rectangle of a full decode, at odd offsets and edges; the full decode equals sharp\'s', async () => {
  const jpeg = await sample();
  const full = await decodeJpegTiles([{ data: jpeg, sx: 0, sy: 0, w: 200, h: 150, dx: 0, dy: 0 }], { width: 200, height: 150 });
  const bySharp = await sharp(jpeg).ensureAlpha().raw().toBuffer();
  assert.ok(full.equals(bySharp), 'full decode = sharp (both libjpeg-turbo, fancy upsampling)');
  for (const [sx, sy, w, h] of [[37, 53, 101, 67], [0, 0, 1, 1], [199, 149, 1, 1], [15, 0, 185, 150], [8, 16, 64, 16], [161, 99, 39, 51]] as const) {
    const part = await decodeJpegTiles([{ data: jpeg, sx, sy, w, h, dx: 0, dy: 0 }], { width: w, height: h });
    for (let y = 0; y < h; y++) {
      const want = full.subarray(((sy + y) * 200 + sx) * 4, ((sy + y) * 200 + sx + w) * 4);
      assert.ok(part.subarray(y * w * 4, (y + 1) * w * 4).equals(want), `rectangle (${sx}, ${sy}) ${w}×${h}, row ${y}`);
    }
  }
});

test('pieces land where asked; uncovered pixels are transparent in RGBA and the background in a JPEG', async () => {
  const jpeg = await sample();
  const full = await decodeJpegTiles([{ data: jpeg, sx: 0, sy: 0, w: 200, h: 150, dx: 0, dy: 0 }], { width: 200, height: 150 });
  // Two pieces side by side on a 60×20 canvas, the bottom 10 rows left uncovered.
  const pieces = [
    { data: jpeg, sx: 10, sy: 20, w: 30, h: 10, dx: 0, dy: 0 },
    { data: jpeg, sx: 100, sy: 5, w: 30, h: 10, dx: 30, dy: 0 },
  ];
  const rgba = await decodeJpegTiles(pieces, { width: 60, height: 20 });
  const px = (b: Buffer, w: number, x: number, y: number) => [...b.subarray((y * w + x) * 4, (y * w + x) * 4 + 4)];
  assert.deepEqual(px(rgba, 60, 0, 0), px(full, 200, 10, 20));
  assert.deepEqual(px(rgba, 60, 45, 9), px(full, 200, 115, 14));
  assert.deepEqual(px(rgba, 60, 30, 15), [0, 0, 0, 0], 'uncovered: transparent');
  const out = await decodeJpegTiles(pieces, { width: 60, height: 20, jpeg: { quality: 95, background: '20c040' } });
  assert.equal(out.subarray(0, 2).toString('hex'), 'ffd8');
  const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
  const far = [...data.subarray((18 * 60 + 30) * 3, (18 * 60 + 30) * 3 + 3)];
  assert.ok(far.every((v, i) => Math.abs(v - [0x20, 0xc0, 0x40][i]!) <= 4), `uncovered in a JPEG: the background, got ${far}`);
});

test('damaged or truncated JPEG data is SLIDE_READ_FAILED; a piece off the canvas or outside its JPEG is refused', async () => {
  const jpeg = await sample();
  const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;
  const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
  await assert.rejects(decodeJpegTiles([{ data: truncated, sx: 0, sy: 0, w: 200, h: 150, dx: 0, dy: 0 }], { width: 200, height: 150 }), code('SLIDE_READ_FAILED'));
  await assert.rejects(decodeJpegTiles([{ data: Buffer.from('not a jpeg'), sx: 0, sy: 0, w: 8, h: 8, dx: 0, dy: 0 }], { width: 8, height: 8 }), code('SLIDE_READ_FAILED'));
  await assert.rejects(decodeJpegTiles([{ data: jpeg, sx: 190, sy: 0, w: 20, h: 8, dx: 0, dy: 0 }], { width: 20, height: 8 }), code('SLIDE_READ_FAILED'), 'outside the JPEG');
  await assert.rejects(decodeJpegTiles([{ data: jpeg, sx: 0, sy: 0, w: 20, h: 8, dx: 50, dy: 0 }], { width: 60, height: 8 }), code('VALIDATION_FAILED'), 'off the canvas');
  await assert.rejects(decodeJpegTiles([{ data: jpeg, sx: -1, sy: 0, w: 20, h: 8, dx: 0, dy: 0 }], { width: 60, height: 8 }), code('VALIDATION_FAILED'));
  await assert.rejects(decodeJpegTiles([{ data: jpeg, sx: 0, sy: 0, w: 8, h: 8, dx: 0, dy: 0 }], { width: 8, height: 8, jpeg: { quality: 0, background: 'ffffff' } }), code('VALIDATION_FAILED'));
  await assert.rejects(decodeJpegTiles([], { width: 0, height: 8 }), code('VALIDATION_FAILED'));
});

test('a real slide\'s stored tile (Aperio JPEG/RGB, 240 px) decodes to OpenSlide\'s pixels, whole and cropped', { skip }, async () => {
  const path = slidePath('cmu-1-small-region.svs');
  const level = (await readStoredJpegLevels(path))![0]!;
  assert.deepEqual([level.tileWidth, level.tileHeight, level.photometric], [240, 240, 2]);
  assert.ok(level.tables, 'CMU-1 keeps its JPEG tables in JPEGTables');
  const [jpeg] = await readStoredJpegTiles(path, level, [[3, 5]]);
  const index = 5 * Math.ceil(level.width / 240) + 3;
  const range = { offset: level.offsets[index]!, length: level.byteCounts[index]! };
  const source = { path, tables: level.tables, colour: 'rgb' as const };
  const slide = await openSlide(path);
  try {
    for (const [sx, sy, w, h] of [[0, 0, 240, 240], [17, 130, 200, 110]] as const) {
      const ref = await slide.readRegion({ x: 3 * 240 + sx, y: 5 * 240 + sy, level: 0, width: w, height: h });
      const asBytes = await decodeJpegTiles([{ data: jpeg!, sx, sy, w, h, dx: 0, dy: 0 }], { width: w, height: h });
      const fromFile = await decodeJpegTiles([{ ...range, sx, sy, w, h, dx: 0, dy: 0 }], { width: w, height: h }, source);
      for (const [how, ours] of [['standalone stream', asBytes], ['file range after JPEGTables, RGB forced', fromFile]] as const) {
        let max = 0;
        for (let i = 0; i < ref.data.length; i++) max = Math.max(max, Math.abs(ref.data[i]! - ours[i]!));
        assert.ok(max <= 4, `${how}, (${sx}, ${sy}) ${w}×${h}: max |Δ| ${max} against OpenSlide`);
      }
    }
    // Forcing the wrong transform (YCbCr) changes the colours: the forcing is real.
    const wrong = await decodeJpegTiles([{ ...range, sx: 0, sy: 0, w: 240, h: 240, dx: 0, dy: 0 }], { width: 240, height: 240 }, { ...source, colour: 'ycbcr' });
    assert.ok(!wrong.equals(await decodeJpegTiles([{ ...range, sx: 0, sy: 0, w: 240, h: 240, dx: 0, dy: 0 }], { width: 240, height: 240 }, source)));
  } finally {
    slide.close();
  }
  const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;
  const piece = { ...range, sx: 0, sy: 0, w: 8, h: 8, dx: 0, dy: 0 };
  await assert.rejects(decodeJpegTiles([piece], { width: 8, height: 8 }, { ...source, path: path + '.missing' }), code('SLIDE_READ_FAILED'));
  await assert.rejects(decodeJpegTiles([{ ...piece, offset: 1e12 }], { width: 8, height: 8 }, source), code('SLIDE_READ_FAILED'), 'beyond the end of the file');
  await assert.rejects(decodeJpegTiles([{ ...piece, offset: 8 }], { width: 8, height: 8 }, source), code('SLIDE_READ_FAILED'), 'not a JPEG there');
  await assert.rejects(decodeJpegTiles([piece], { width: 8, height: 8 }), code('VALIDATION_FAILED'), 'a file range needs a source');
});
