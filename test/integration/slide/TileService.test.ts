// TileService and SlideRegistry on real OpenSlide handles: the Deep Zoom grid against
// openslide-python's DeepZoomGenerator, tile pixels against region reads, edge tiles, the cache
// (hits, shared in-flight work, byte budget), thumbnails, associated images and coded errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { SlideRegistry } from '../../../electron/core/slide/SlideRegistry.js';
import { TileService } from '../../../electron/core/slide/TileService.js';
import { encodeRgba } from '../../../electron/core/slide/encodeImage.js';
import { maxDzLevel, tileSource } from '../../../electron/shared/domain/DeepZoom.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { openSlideHandleCount } from '../../../native/lib/index.js';
import { explicitColour, MAX_STORED_TILE_BYTES, readStoredJpegLevels, readStoredJpegTiles, storedTileRange } from '../../../electron/core/slide/storedJpegTiles.js';
import {
  buildAperioSvs,
  buildPyramidalTiff,
  makePattern,
  makeTempDir,
  syntheticSlideSkipReason,
} from '../../helpers/syntheticSlide.js';
import { FIXTURES, SLIDES_DIR, decode, isReadable, pixelDiff, pythonReference, pythonRun, pythonSkipReason, rgbaToRgb, slidesSkipReason } from './slideFixtures.js';

const skip = slidesSkipReason();
const pySkip = skip ?? pythonSkipReason();
const slide = (name: string) => join(SLIDES_DIR, name);
const NDPI = slide('test3-DAPI-2-(387).ndpi');
const TCGA = slide('tcga-cr-7395-01a-01-ts1.svs');
const CMU = slide('cmu-1-small-region.svs');
const codeOf = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;

/** Runs `fn` with a fresh registry + tile service and closes every handle afterwards. */
async function withTiles(fn: (tiles: TileService, registry: SlideRegistry) => Promise<void>, options: ConstructorParameters<typeof TileService>[1] = {}): Promise<void> {
  const registry = new SlideRegistry();
  try {
    await fn(new TileService(registry, options), registry);
  } finally {
    registry.closeAll();
  }
}

interface PyGrid {
  levelDimensions: [number, number][];
  levelTiles: [number, number][];
  tiles: number[][];
}

test('grid and every tile source equal DeepZoomGenerator on every readable fixture (overlap 0 and 1)', { skip: pySkip }, async () => {
  const registry = new SlideRegistry();
  try {
    for (const [name, fixture] of Object.entries(FIXTURES)) {
      if (!isReadable(fixture)) continue;
      const info = await registry.info(slide(name));
      for (const overlap of [0, 1]) {
        const tiles = new TileService(registry, { overlap });
        const grid = await tiles.grid(slide(name));
        const py = await pythonReference<PyGrid>(['grid', slide(name), '256', String(overlap)]);
        assert.deepEqual(grid.levels.map((l) => [l.width, l.height]), py.levelDimensions, `${name}: level sizes`);
        assert.deepEqual(grid.levels.map((l) => [l.cols, l.rows]), py.levelTiles, `${name}: tile counts`);
        for (const t of py.tiles) {
          const [dz, col, row] = t as [number, number, number];
          const s = tileSource(grid, info.levels, dz, col, row);
          assert.deepEqual([dz, col, row, s.x, s.y, s.level, s.width, s.height, s.outWidth, s.outHeight], t, `${name} overlap ${overlap}`);
        }
      }
    }
  } finally {
    registry.closeAll();
  }
});

test('full-resolution tiles are the region pixels exactly (PNG), including the cropped edge tile', { skip }, async () => {
  await withTiles(async (tiles, registry) => {
    const grid = await tiles.grid(NDPI);
    const top = maxDzLevel(grid);
    const { cols, rows } = grid.levels[top]!;
    for (const [col, row, w, h] of [
      [3, 5, 256, 256],
      [cols - 1, rows - 1, 3968 - 256 * (cols - 1), 4864 - 256 * (rows - 1)],
    ] as const) {
      const tile = await tiles.tile(NDPI, { dzLevel: top, col, row, format: 'png' });
      assert.equal(tile.contentType, 'image/png');
      const got = await decode(tile.data, 3);
      assert.deepEqual([got.width, got.height, tile.width, tile.height], [w, h, w, h]);
      const region = await registry.readRegion(NDPI, { x: col * 256, y: row * 256, level: 0, width: w, height: h });
      assert.ok(got.data.equals(rgbaToRgb(region.data)), `tile ${top}/${col}_${row} equals the region`);
    }
    // One dzLevel down, the NDPI's level 1 (downsample 2) is read directly: still exact.
    const tile = await tiles.tile(NDPI, { dzLevel: top - 1, col: 2, row: 3, format: 'png' });
    const region = await registry.readRegion(NDPI, { x: 2 * 512, y: 3 * 512, level: 1, width: 256, height: 256 });
    assert.ok((await decode(tile.data, 3)).data.equals(rgbaToRgb(region.data)));
  });
});

test('a resampled tile equals the region resampled: within a few levels of a 2×2 box average and of DeepZoomGenerator', { skip: pySkip }, async (t) => {
  await withTiles(async (tiles, registry) => {
    // TCGA dzLevel 12 = downsample 2 but level 1 is 2.0005×, so the tile is read from level 0 and halved.
    const tile = await tiles.tile(TCGA, { dzLevel: 12, col: 3, row: 2, format: 'png' });
    const got = await decode(tile.data, 3);
    assert.deepEqual([got.width, got.height], [256, 256]);
    const region = await registry.readRegion(TCGA, { x: 1536, y: 1024, level: 0, width: 512, height: 512 });
    const box = Buffer.alloc(256 * 256 * 3);
    for (let y = 0; y < 256; y++)
      for (let x = 0; x < 256; x++)
        for (let c = 0; c < 3; c++) {
          const at = (yy: number, xx: number) => region.data[(yy * 512 + xx) * 4 + c]!;
          box[(y * 256 + x) * 3 + c] = Math.round((at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4);
        }
    const vsBox = pixelDiff(got.data, box);
    assert.ok(vsBox.mean < 3, `mean |tile − box average| = ${vsBox.mean.toFixed(2)}`);
    const refPath = join(await tmpDir(), 'dz.png');
    await pythonRun(['tile', TCGA, '256', '0', '12', '3', '2', refPath]);
    const ref = await decode(refPath, 3);
    const vsPy = pixelDiff(got.data, ref.data);
    assert.ok(vsPy.mean < 3, `mean |tile − DeepZoomGenerator tile| = ${vsPy.mean.toFixed(2)}`);
    // The JPEG (q80 default) of the same tile is close to the PNG.
    const jpeg = await tiles.tile(TCGA, { dzLevel: 12, col: 3, row: 2 });
    assert.equal(jpeg.contentType, 'image/jpeg');
    const vsJpeg = pixelDiff((await decode(jpeg.data, 3)).data, got.data);
    // Quality 80 with 4:2:0 chroma on fine JPEG 2000 texture: a few levels on average.
    assert.ok(vsJpeg.mean < 8, `mean |jpeg − png| = ${vsJpeg.mean.toFixed(2)}`);
    t.diagnostic(`mean |Δ| vs box ${vsBox.mean.toFixed(2)}, vs DeepZoomGenerator ${vsPy.mean.toFixed(2)}, jpeg vs png ${vsJpeg.mean.toFixed(2)}`);
  });
});

test('tile cache: repeat requests hit, concurrent ones share one read, the byte budget holds', { skip }, async () => {
  await withTiles(async (tiles) => {
    const first = await tiles.tile(CMU, { dzLevel: 12, col: 1, row: 1 });
    assert.equal(await tiles.tile(CMU, { dzLevel: 12, col: 1, row: 1 }), first, 'same encoded object from the cache');
    assert.deepEqual([tiles.cache.stats().misses, tiles.cache.stats().hits], [1, 1]);
    const burst = await Promise.all(Array.from({ length: 8 }, () => tiles.tile(CMU, { dzLevel: 12, col: 2, row: 2 })));
    assert.ok(burst.every((t) => t === burst[0]));
    assert.deepEqual([tiles.cache.stats().misses, tiles.cache.stats().shared], [2, 7]);
    // Different quality or format is a different tile.
    const q95 = await tiles.tile(CMU, { dzLevel: 12, col: 1, row: 1, quality: 95 });
    assert.ok(q95.byteLength > first.byteLength);
    const grid = await tiles.grid(CMU);
    const level = grid.levels[12]!;
    for (let row = 0; row < level.rows; row++) for (let col = 0; col < level.cols; col++) await tiles.tile(CMU, { dzLevel: 12, col, row });
    const s = tiles.cache.stats();
    assert.ok(s.bytes <= 64 * 1024, `cached ${s.bytes} B within 64 KiB`);
    assert.ok(s.evictions > 0);
  }, { cacheBytes: 64 * 1024 });
});

test('aborted requests reject without reading; the tile still serves other callers', { skip }, async () => {
  await withTiles(async (tiles) => {
    const stale = new AbortController();
    stale.abort(new Error('panned away'));
    await assert.rejects(tiles.tile(CMU, { dzLevel: 12, col: 0, row: 0 }, { signal: stale.signal }), /panned away/);
    assert.equal(tiles.cache.stats().misses, 0);
    const live = new AbortController();
    const gone = new AbortController();
    const [a, b] = await Promise.allSettled([
      tiles.tile(CMU, { dzLevel: 12, col: 0, row: 0 }, { signal: gone.signal }),
      tiles.tile(CMU, { dzLevel: 12, col: 0, row: 0 }, { signal: live.signal }),
      Promise.resolve().then(() => gone.abort(new Error('gone'))),
    ]);
    assert.equal(a.status, 'rejected');
    assert.equal(b.status, 'fulfilled');
  });
});

test('thumbnails fit the requested size and keep the aspect ratio; associated images keep their size', { skip }, async () => {
  await withTiles(async (tiles) => {
    const thumb = await tiles.thumbnail(CMU, 256);
    assert.deepEqual([thumb.width, thumb.height, thumb.contentType], [Math.round((2220 * 256) / 2967), 256, 'image/jpeg']);
    const px = await decode(thumb.data, 3);
    const nonWhite = px.data.filter((v) => v < 200).length;
    assert.ok(nonWhite > px.data.length * 0.05, 'the thumbnail shows tissue');
    const ndpiThumb = await tiles.thumbnail(NDPI, 500, 'png');
    assert.deepEqual([ndpiThumb.width, ndpiThumb.height], [Math.round((3968 * 500) / 4864), 500]);
    const label = await tiles.associatedImage(CMU, 'label');
    assert.deepEqual([label.width, label.height, label.contentType], [387, 463, 'image/png']);
    const macro = await tiles.associatedImage(CMU, 'macro', 'jpeg');
    assert.deepEqual([macro.width, macro.height, macro.contentType], [1280, 431, 'image/jpeg']);
    await assert.rejects(tiles.associatedImage(CMU, 'barcode'), (e: unknown) => codeOf('NOT_FOUND')(e) && /label, macro, thumbnail/.test((e as Error).message));
    await assert.rejects(tiles.thumbnail(CMU, 0), codeOf('VALIDATION_FAILED'));
  });
});

test('coded errors: corrupt tile SLIDE_READ_FAILED, unsupported file, missing file, tile outside the grid', { skip }, async () => {
  await withTiles(async (tiles) => {
    const grid = await tiles.grid(slide('unreadable.svs'));
    await assert.rejects(tiles.tile(slide('unreadable.svs'), { dzLevel: maxDzLevel(grid), col: 0, row: 0 }), codeOf('SLIDE_READ_FAILED'));
    await assert.rejects(tiles.tile(slide('broken.svs'), { dzLevel: 0, col: 0, row: 0 }), codeOf('SLIDE_UNSUPPORTED_FORMAT'));
    await assert.rejects(tiles.tile(slide('nope.svs'), { dzLevel: 0, col: 0, row: 0 }), codeOf('SLIDE_NOT_FOUND'));
    await assert.rejects(tiles.tile(CMU, { dzLevel: 12, col: 99, row: 0 }), (e: unknown) => codeOf('VALIDATION_FAILED')(e) && /column between 0 and/.test((e as Error).message));
    await assert.rejects(tiles.tile(CMU, { dzLevel: 40, col: 0, row: 0 }), codeOf('VALIDATION_FAILED'));
  });
});

test('transparent pixels are painted with the background colour in JPEG and kept in PNG', async () => {
  const rgba = Buffer.alloc(4 * 4 * 4, 0); // 4×4, fully transparent
  for (let i = 0; i < 8; i++) rgba.set([200, 10, 10, 255], i * 4); // top half opaque red-ish
  const jpeg = await encodeRgba({ width: 4, height: 4, data: rgba }, { format: 'png', background: '00ff00' });
  const flat = await decode(jpeg.data, 3);
  assert.deepEqual([...flat.data.subarray(0, 3)], [200, 10, 10]);
  assert.deepEqual([...flat.data.subarray(flat.data.length - 3)], [0, 255, 0]);
  const kept = await encodeRgba({ width: 4, height: 4, data: rgba }, { format: 'png' });
  assert.ok((await decode(kept.data, 4)).data.equals(rgba));
});

test('synthetic Aperio slide (lossless): info from the helper-built file, tiles equal the source pixels, handles shared and evicted', { skip: skip ?? syntheticSlideSkipReason() }, async () => {
  const tmp = await makeTempDir();
  try {
    const pattern = makePattern(1000, 700, 7);
    const path = await buildAperioSvs(pattern, join(tmp.dir, 'smear.svs'), { compression: 'deflate', mpp: 0.25, appMag: 40 });
    const registry = new SlideRegistry({ maxOpenSlides: 1 });
    const before = openSlideHandleCount();
    const [a, b] = await Promise.all([registry.acquire(path), registry.acquire(path)]);
    assert.equal(openSlideHandleCount(), before + 1, 'two leases, one OpenSlide handle');
    assert.equal(a.info.vendor, 'aperio');
    assert.deepEqual(a.info.calibration, { kind: 'calibrated', x: 0.25, y: 0.25, source: 'openslide.mpp' });
    assert.equal(a.info.objectivePower, 40);
    assert.deepEqual([a.info.width, a.info.height], [1000, 700]);
    a.release();
    b.release();
    const tiles = new TileService(registry);
    const grid = await tiles.grid(path);
    const tile = await tiles.tile(path, { dzLevel: maxDzLevel(grid), col: 3, row: 2, format: 'png' });
    const got = await decode(tile.data, 3);
    assert.deepEqual([got.width, got.height], [1000 - 768, 700 - 512]);
    const expected = Buffer.alloc(got.width * got.height * 3);
    for (let y = 0; y < got.height; y++) pattern.data.copy(expected, y * got.width * 3, ((512 + y) * 1000 + 768) * 3, ((512 + y) * 1000 + 1000) * 3);
    assert.ok(got.data.equals(expected), 'edge tile = source pixels');
    // Opening another slide evicts the idle handle (maxOpenSlides 1).
    await registry.info(CMU);
    assert.equal(openSlideHandleCount(), before + 1);
    assert.equal(registry.stats().evictions, 1);
    registry.closeAll();
    assert.equal(openSlideHandleCount(), before);
  } finally {
    await tmp.cleanup();
  }
});

test('stored JPEG tiles of a TIFF pyramid are served as stored where a tile coincides with one, and decode to OpenSlide\'s pixels', { skip: skip ?? syntheticSlideSkipReason() }, async () => {
  const tmp = await makeTempDir();
  try {
    const path = await buildPyramidalTiff(makePattern(1100, 800, 5), join(tmp.dir, 'jpeg.tif'), { compression: 'jpeg', quality: 90 });
    await withTiles(async (tiles, registry) => {
      const top = maxDzLevel(await tiles.grid(path));
      const stored = await tiles.tile(path, { dzLevel: top, col: 1, row: 1 });
      assert.equal(tiles.passthroughTiles, 1, 'an interior full-resolution tile is the stored JPEG');
      const png = await tiles.tile(path, { dzLevel: top, col: 1, row: 1, format: 'png' }); // decoded, lossless
      const diff = pixelDiff((await decode(stored.data, 3)).data, (await decode(png.data, 3)).data);
      assert.ok(diff.max <= 4 && diff.mean < 0.5, `stored tile decodes like OpenSlide (max ${diff.max}, mean ${diff.mean.toFixed(3)})`);
      // The vips pyramid's level 1 is exactly 2× smaller, so one dzLevel down is stored tiles too.
      await tiles.tile(path, { dzLevel: top - 1, col: 0, row: 0 });
      assert.equal(tiles.passthroughTiles, 2);
      // Edge tiles are cropped, so they are decoded (cut from the stored YCbCr tile, after JPEGTables) and re-encoded.
      const edge = await tiles.tile(path, { dzLevel: top, col: 4, row: 3, format: 'png' });
      assert.deepEqual([edge.width, edge.height, (await decode(edge.data)).width], [1100 - 1024, 800 - 768, 1100 - 1024]);
      assert.equal(tiles.passthroughTiles, 2);
      assert.equal(tiles.directTiles, 2, 'the PNG of tile 1_1 and the edge tile');
      const edgeRef = await registry.readRegion(path, { x: 1024, y: 768, level: 0, width: 1100 - 1024, height: 800 - 768 });
      const edgeDiff = pixelDiff((await decode(edge.data, 3)).data, rgbaToRgb(edgeRef.data));
      assert.ok(edgeDiff.max <= 4 && edgeDiff.mean < 0.5, `edge tile = OpenSlide's pixels (max ${edgeDiff.max})`);
      // Stored tiles of another size (CMU-1's are 240 px) cannot stand in for 256-px tiles.
      await tiles.tile(CMU, { dzLevel: 12, col: 1, row: 1 });
      assert.equal(tiles.passthroughTiles, 2);
    });
    await withTiles(async (tiles) => {
      const top = maxDzLevel(await tiles.grid(path));
      const encoded = await tiles.tile(path, { dzLevel: top, col: 1, row: 1 });
      assert.equal(tiles.passthroughTiles, 0);
      assert.deepEqual([encoded.width, encoded.height], [256, 256]);
    }, { jpegPassthrough: false });
  } finally {
    await tmp.cleanup();
  }
});

test('explicitColour: YCbCr kept for Photometric YCbCr; RGB data gets component ids R,G,B in frame and scan; Adobe markers refused', async () => {
  const ycc = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#804020' } }).jpeg().toBuffer();
  const sof = ycc.indexOf(Buffer.from([0xff, 0xc0]));
  const sos = ycc.indexOf(Buffer.from([0xff, 0xda]));
  assert.equal(explicitColour(Buffer.from(ycc), 6)?.equals(ycc), true);
  const rgb = explicitColour(Buffer.from(ycc), 2)!;
  assert.deepEqual([rgb[sof + 10], rgb[sof + 13], rgb[sof + 16]], [0x52, 0x47, 0x42]);
  assert.deepEqual([rgb[sos + 5], rgb[sos + 7], rgb[sos + 9]], [0x52, 0x47, 0x42]);
  assert.equal(explicitColour(Buffer.from(rgb), 6), undefined, 'R,G,B ids under Photometric YCbCr contradict each other');
  assert.equal((await sharp(rgb).raw().toBuffer()).length, 16 * 16 * 3, 'the rewritten JPEG still decodes');
  const adobe = Buffer.concat([ycc.subarray(0, 2), Buffer.from([0xff, 0xee, 0x00, 0x0e]), Buffer.alloc(12), ycc.subarray(2)]);
  assert.equal(explicitColour(adobe, 6), undefined);
});

test('Aperio JPEG/RGB tiles (ids 0,1,2, 240 px) are served as stored once ids are rewritten, matching OpenSlide', { skip }, async () => {
  await withTiles(async (tiles) => {
    const top = maxDzLevel(await tiles.grid(CMU));
    const stored = await tiles.tile(CMU, { dzLevel: top, col: 3, row: 4 });
    assert.equal(tiles.passthroughTiles, 1);
    const png = await tiles.tile(CMU, { dzLevel: top, col: 3, row: 4, format: 'png' });
    const diff = pixelDiff((await decode(stored.data, 3)).data, (await decode(png.data, 3)).data);
    assert.ok(diff.max <= 4 && diff.mean < 0.5, `max ${diff.max}, mean ${diff.mean.toFixed(3)}`);
  }, { tileSize: 240 });
});

test('tiles straddling stored JPEG tiles (CMU-1: 240 px) are cut from them without OpenSlide, with OpenSlide\'s pixels; resampled and edge tiles too', { skip }, async (t) => {
  const viaOpenSlide = new Map<string, Buffer>();
  const cases = async (tiles: TileService) => {
    const grid = await tiles.grid(CMU);
    const top = maxDzLevel(grid);
    const { cols, rows } = grid.levels[top]!;
    const out: [string, Buffer][] = [];
    for (const [dzLevel, col, row, format] of [
      [top, 2, 3, 'png'], // (512, 768) 256²: four stored tiles
      [top, 2, 3, 'jpeg'],
      [top, cols - 1, rows - 1, 'png'], // cropped edge tile
      [top - 1, 1, 2, 'png'], // residual downsample 2 from level 0
      [top - 1, 1, 2, 'jpeg'],
    ] as const) {
      const tile = await tiles.tile(CMU, { dzLevel, col, row, format });
      out.push([`${dzLevel}/${col}_${row}.${format}`, (await decode(tile.data, 3)).data]);
    }
    return out;
  };
  await withTiles(async (tiles) => {
    for (const [key, px] of await cases(tiles)) viaOpenSlide.set(key, px);
    assert.equal(tiles.directTiles, 0);
  }, { directDecode: false });
  await withTiles(async (tiles, registry) => {
    const got = await cases(tiles);
    assert.equal(tiles.directTiles, 5, 'every tile cut from the stored tiles');
    assert.equal(tiles.passthroughTiles, 0);
    for (const [key, px] of got) {
      const d = pixelDiff(px, viaOpenSlide.get(key)!);
      assert.ok(d.max <= 4 && d.mean < 0.5, `${key}: max |Δ| ${d.max}, mean ${d.mean.toFixed(3)} against the same tile read by OpenSlide`);
      t.diagnostic(`${key}: max |Δ| ${d.max} against OpenSlide's read`);
    }
    const region = await registry.readRegion(CMU, { x: 512, y: 768, level: 0, width: 256, height: 256 });
    assert.ok(pixelDiff(got[0]![1], rgbaToRgb(region.data)).max <= 4, 'the PNG tile is the region');
  });
});

test('stored tiles with a missing or implausible byte count (a damaged directory) are not read: those tiles are left to OpenSlide', { skip }, async () => {
  const level = (await readStoredJpegLevels(CMU))![0]!;
  const cols = Math.ceil(level.width / level.tileWidth);
  const byteCounts = [...level.byteCounts];
  const offsets = [...level.offsets];
  byteCounts[1 * cols + 1] = MAX_STORED_TILE_BYTES + 1;
  offsets[1 * cols + 2] = 0;
  const damaged = { ...level, byteCounts, offsets };
  const [huge, missing, fine] = await readStoredJpegTiles(CMU, damaged, [[1, 1], [2, 1], [3, 1]]);
  assert.equal(huge, undefined);
  assert.equal(missing, undefined);
  assert.equal(fine?.subarray(0, 2).toString('hex'), 'ffd8');
  assert.deepEqual(storedTileRange(damaged, 1, 1), { offset: level.offsets[1 * cols + 1], length: 0 });
});

let tmpHandle: Awaited<ReturnType<typeof makeTempDir>> | undefined;
async function tmpDir(): Promise<string> {
  tmpHandle ??= await makeTempDir('marrowscope-tiles-');
  return tmpHandle.dir;
}
test.after(async () => {
  await tmpHandle?.cleanup();
});
