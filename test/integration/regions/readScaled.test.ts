import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { openSlide, type OpenSlideHandle } from '../../../native/lib/index.js';
import { readScaled } from '../../../electron/core/regions/readScaled.js';
import { proposeRegions } from '../../../electron/core/regions/proposeRegions.js';
import { sharedDataDir } from '../../../electron/core/paths.js';
import { makeTempDir, realFieldImage, syntheticSlideSkipReason, type TempDir } from '../../helpers/syntheticSlide.js';

const field = realFieldImage(sharedDataDir());
const skip = syntheticSlideSkipReason() ?? (field ? undefined : 'no SegPC field image in ../shared/data (set MARROWSCOPE_DATA)');

describe('a level-0-only slide larger than one read (replicated SegPC field)', { skip }, () => {
  let tmp: TempDir;
  let path: string;
  let slide: OpenSlideHandle;

  before(async () => {
    tmp = await makeTempDir('marrowscope-regions-');
    path = join(tmp.dir, 'flat.tif');
    // 9 × 9 SegPC fields = 4,608 × 4,608 px in ONE level (no --pyramid): the overview must be read in chunks.
    await promisify(execFile)('vips', ['replicate', field as string, `${path}[tile,tile-width=256,tile-height=256,compression=jpeg,Q=90]`, '9', '9']);
    slide = await openSlide(path);
  });
  after(async () => {
    slide?.close();
    await tmp?.cleanup();
  });

  test('a chunked overview matches libvips shrinking the whole image, seams included', async () => {
    assert.equal(slide.levels.length, 1, 'the test needs a slide without a pyramid');
    const { width, height } = slide.levels[0]!;
    const img = await readScaled(slide, { x: 0, y: 0, width, height }, 32);
    const [w, h] = [144, 144];
    assert.deepEqual([img.width, img.height], [w, h]);
    assert.equal(img.downsampleX, 32);
    const expected = await sharp(path).resize(w, h, { fit: 'fill', kernel: 'linear' }).ensureAlpha().raw().toBuffer();
    let diff = 0;
    let worstRow = 0;
    for (let y = 0; y < h; y++) {
      let rowDiff = 0;
      for (let i = y * w * 4; i < (y + 1) * w * 4; i++) if (i % 4 !== 3) rowDiff += Math.abs((img.data[i] as number) - (expected[i] as number));
      diff += rowDiff;
      worstRow = Math.max(worstRow, rowDiff / (w * 3));
    }
    const mean = diff / (w * h * 3);
    assert.ok(mean < 1, `mean abs difference ${mean.toFixed(2)} grey levels`);
    assert.ok(worstRow < 3, `worst row (a chunk seam?) differs by ${worstRow.toFixed(2)} grey levels on average`);
  });

  test('proposals on a single-level slide without calibration, at an assumed 0.25 µm/px', async () => {
    const result = await proposeRegions(slide, { count: 5, assumedMpp: 0.25 });
    assert.equal(result.calibration.assumed, true);
    assert.equal(result.candidateCount, 81, 'every 512 tile of the 4,608² marrow mosaic is smear');
    assert.equal(result.proposals.length, 5);
    for (const p of result.proposals) assert.ok(p.scores.total >= 0.25 && p.measurements.nucleatedPer10kUm2 > 5, p.reason);
  });

  test('a region past the slide edge comes back transparent there', async () => {
    const { width } = slide.levels[0]!;
    const img = await readScaled(slide, { x: width - 64, y: 0, width: 128, height: 64 }, 4);
    assert.deepEqual([img.width, img.height], [32, 16]);
    assert.equal(img.data[(8 * 32 + 4) * 4 + 3], 255, 'inside the slide: opaque');
    assert.equal(img.data[(8 * 32 + 28) * 4 + 3], 0, 'past the edge: transparent');
  });
});
