import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bestLevelForDownsample,
  deepZoomGrid,
  dzLevelForSize,
  dzLevelForSlideLevel,
  dziXml,
  maxDzLevel,
  slideLevelForDzLevel,
  tileSource,
} from '../../../electron/shared/domain/DeepZoom.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

// The TCGA fixture's pyramid (tcga-cr-7395-01a-01-ts1.svs): level 1 is not an exact halving.
const TCGA_LEVELS = [
  { width: 4443, height: 3567, downsample: 1 },
  { width: 2221, height: 1783, downsample: 2.0005055500659967 },
];

const isValidation = (err: unknown) => err instanceof AppError && err.code === 'VALIDATION_FAILED';

test('grid halves each level rounding up, down to 1×1, and numbers full resolution last', () => {
  const g = deepZoomGrid(4443, 3567, 256, 0);
  assert.equal(g.levels.length, 14);
  assert.equal(maxDzLevel(g), 13);
  assert.deepEqual(g.levels.slice(-4).map((l) => [l.width, l.height, l.cols, l.rows]), [
    [556, 446, 3, 2],
    [1111, 892, 5, 4],
    [2222, 1784, 9, 7],
    [4443, 3567, 18, 14],
  ]);
  assert.deepEqual([g.levels[0]!.width, g.levels[0]!.height, g.levels[0]!.cols], [1, 1, 1]);
  assert.equal(g.levels[13]!.downsample, 1);
  assert.equal(g.levels[12]!.downsample, 2);
  assert.equal(g.levels[0]!.downsample, 8192);
});

test('grid of a 1×1 slide has a single level; a 2×1 slide has two', () => {
  assert.equal(deepZoomGrid(1, 1).levels.length, 1);
  const g = deepZoomGrid(2, 1);
  assert.deepEqual(g.levels.map((l) => [l.width, l.height]), [
    [1, 1],
    [2, 1],
  ]);
});

test('grid rejects non-integer or non-positive sizes', () => {
  assert.throws(() => deepZoomGrid(0, 10), isValidation);
  assert.throws(() => deepZoomGrid(10, 10.5), isValidation);
  assert.throws(() => deepZoomGrid(10, 10, 256, -1), isValidation);
});

test('bestLevelForDownsample follows openslide_get_best_level_for_downsample', () => {
  assert.equal(bestLevelForDownsample(TCGA_LEVELS, 0.5), 0);
  assert.equal(bestLevelForDownsample(TCGA_LEVELS, 1), 0);
  // 2 < 2.0005: level 1 would be (slightly) too coarse, so OpenSlide stays on level 0.
  assert.equal(bestLevelForDownsample(TCGA_LEVELS, 2), 0);
  assert.equal(bestLevelForDownsample(TCGA_LEVELS, 2.0005055500659967), 1);
  assert.equal(bestLevelForDownsample(TCGA_LEVELS, 4096), 1);
  const boxes = [1, 2, 4.016129032258064, 8.086312118570184].map((downsample) => ({ downsample }));
  assert.equal(bestLevelForDownsample(boxes, 4), 1);
  assert.equal(bestLevelForDownsample(boxes, 8), 2);
  assert.equal(bestLevelForDownsample(boxes, 16), 3);
  assert.throws(() => bestLevelForDownsample([], 1), isValidation);
});

test('slideLevelForDzLevel returns the read level and the residual downsample', () => {
  const g = deepZoomGrid(4443, 3567);
  assert.deepEqual(slideLevelForDzLevel(g, TCGA_LEVELS, 13), { level: 0, residualDownsample: 1 });
  assert.deepEqual(slideLevelForDzLevel(g, TCGA_LEVELS, 12), { level: 0, residualDownsample: 2 });
  const r = slideLevelForDzLevel(g, TCGA_LEVELS, 11);
  assert.equal(r.level, 1);
  assert.ok(Math.abs(r.residualDownsample - 4 / 2.0005055500659967) < 1e-12);
});

// Expected values: openslide-python 1.2.0 DeepZoomGenerator(slide, 256, overlap)._get_tile_info on the
// TCGA fixture ((l0 location), level, (level size)), (tile size)); the integration suite re-checks
// every tile of every fixture against the live Python implementation.
/** [dzLevel, col, row, [l0 x, l0 y, level, read width, read height, tile width, tile height]] */
type TileCase = [number, number, number, [number, number, number, number, number, number, number]];

function assertTiles(overlap: number, cases: TileCase[]): void {
  const g = deepZoomGrid(4443, 3567, 256, overlap);
  for (const [dz, col, row, expected] of cases) {
    const s = tileSource(g, TCGA_LEVELS, dz, col, row);
    assert.deepEqual([s.x, s.y, s.level, s.width, s.height, s.outWidth, s.outHeight], expected, `tile ${dz}/${col}_${row} overlap ${overlap}`);
  }
}

test('tileSource matches DeepZoomGenerator with overlap 0 (interior, edge, resampled, coarse-level tiles)', () => {
  assertTiles(0, [
    [13, 0, 0, [0, 0, 0, 256, 256, 256, 256]],
    [13, 17, 13, [4352, 3328, 0, 91, 239, 91, 239]],
    [13, 5, 6, [1280, 1536, 0, 256, 256, 256, 256]],
    [12, 8, 6, [4096, 3072, 0, 347, 495, 174, 248]],
    [12, 3, 2, [1536, 1024, 0, 512, 512, 256, 256]],
    [11, 4, 3, [4096, 3072, 1, 173, 247, 87, 124]],
    [11, 0, 1, [0, 1024, 1, 512, 512, 256, 256]],
    [9, 0, 0, [0, 0, 1, 2048, 1783, 256, 223]],
    [0, 0, 0, [0, 0, 1, 2221, 1783, 1, 1]],
  ]);
});

test('tileSource matches DeepZoomGenerator with overlap 1 (overlap only on interior sides)', () => {
  assertTiles(1, [
    [13, 0, 0, [0, 0, 0, 257, 257, 257, 257]],
    [13, 17, 13, [4351, 3327, 0, 92, 240, 92, 240]],
    [13, 5, 6, [1279, 1535, 0, 258, 258, 258, 258]],
    [12, 8, 6, [4094, 3070, 0, 349, 497, 175, 249]],
    [11, 4, 3, [4092, 3068, 1, 175, 249, 88, 125]],
    [11, 0, 1, [0, 1020, 1, 514, 516, 257, 258]],
    [9, 0, 0, [0, 0, 1, 2056, 1783, 257, 223]],
  ]);
});

test('tiles of a level cover it exactly: output sizes sum to the level size along each axis', () => {
  const levels = [
    { width: 1000, height: 700, downsample: 1 },
    { width: 250, height: 175, downsample: 4 },
  ];
  const g = deepZoomGrid(1000, 700, 256, 0);
  for (const dz of g.levels) {
    let sumW = 0;
    for (let c = 0; c < dz.cols; c++) sumW += tileSource(g, levels, dz.dzLevel, c, 0).outWidth;
    let sumH = 0;
    for (let r = 0; r < dz.rows; r++) sumH += tileSource(g, levels, dz.dzLevel, 0, r).outHeight;
    assert.equal(sumW, dz.width, `width at dzLevel ${dz.dzLevel}`);
    assert.equal(sumH, dz.height, `height at dzLevel ${dz.dzLevel}`);
  }
});

test('tileSource rejects tiles outside the grid with a message naming the range', () => {
  const g = deepZoomGrid(4443, 3567);
  assert.throws(() => tileSource(g, TCGA_LEVELS, 14, 0, 0), (e: unknown) => isValidation(e) && /dzLevel between 0 and 13/.test((e as Error).message));
  assert.throws(() => tileSource(g, TCGA_LEVELS, 13, 18, 0), (e: unknown) => isValidation(e) && /column between 0 and 17/.test((e as Error).message));
  assert.throws(() => tileSource(g, TCGA_LEVELS, 13, 0, -1), isValidation);
  assert.throws(() => tileSource(g, TCGA_LEVELS, 13, 0.5, 0), isValidation);
});

test('level numbering conversions: OpenSlide level downsample ↔ dzLevel, and size → dzLevel', () => {
  const g = deepZoomGrid(4443, 3567);
  assert.equal(dzLevelForSlideLevel(g, 1), 13);
  assert.equal(dzLevelForSlideLevel(g, 2.0005), 12);
  assert.equal(dzLevelForSlideLevel(g, 8.0863), 10);
  assert.equal(dzLevelForSize(g, 1024), 11); // 1111×892 is the first level ≥ 1024 px
  assert.equal(dzLevelForSize(g, 100000), 13);
});

test('dziXml describes the grid for OpenSeadragon', () => {
  const xml = dziXml(deepZoomGrid(300, 250, 256, 1), 'jpeg');
  assert.match(xml, /Format="jpeg" Overlap="1" TileSize="256"/);
  assert.match(xml, /<Size Width="300" Height="250"\/>/);
});
