import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSlide, type OpenSlideHandle } from '../../../native/lib/index.js';
import { proposeRegions, type RegionProposalResult } from '../../../electron/core/regions/proposeRegions.js';
import { measureSlideRegion } from '../../../electron/core/regions/measureSlideRegion.js';
import { scoreRegion } from '../../../electron/core/regions/scoreRegion.js';
import { parseRoiGeoJson } from '../../../electron/core/regions/parseRoiGeoJson.js';
import { pointInRect } from '../../../electron/shared/domain/geometry.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import {
  buildSyntheticAspirate,
  mosaicCellAt,
  syntheticAspirateSkipReason,
  type MosaicKind,
  type SyntheticAspirate,
} from '../../helpers/syntheticAspirate.js';

const skip = syntheticAspirateSkipReason();

describe('region proposals on a synthetic aspirate built from real SegPC / TXL-PBC fields', { skip }, () => {
  let aspirate: SyntheticAspirate;
  let slide: OpenSlideHandle;
  let result: RegionProposalResult;

  before(async () => {
    aspirate = await buildSyntheticAspirate();
    slide = await openSlide(aspirate.path);
    result = await proposeRegions(slide, { count: 10 });
  });
  after(() => slide?.close());

  const kindOf = (r: { x: number; y: number; width: number; height: number }): MosaicKind | undefined =>
    mosaicCellAt(aspirate, { x: r.x + r.width / 2, y: r.y + r.height / 2 })?.kind;

  test('the synthetic slide is an Aperio SVS at 0.25 µm/px with known cells in the right mosaic cells', () => {
    assert.equal(slide.vendor, 'aperio');
    assert.equal(slide.properties['openslide.mpp-x'], '0.25');
    assert.deepEqual([slide.levels[0]?.width, slide.levels[0]?.height], [aspirate.width, aspirate.height]);
    const plasma = aspirate.knownCells.filter((c) => c.kind === 'plasma');
    const wbc = aspirate.knownCells.filter((c) => c.kind === 'wbc');
    assert.ok(plasma.length > 100, `expected > 100 known plasma cells, got ${plasma.length}`);
    assert.ok(wbc.length >= 10, `expected ≥ 10 known white cells, got ${wbc.length}`);
    for (const c of aspirate.knownCells) {
      const cell = mosaicCellAt(aspirate, c);
      assert.equal(cell?.kind, c.mosaic);
      assert.ok(c.kind === 'plasma' ? ['marrow', 'blurred'].includes(c.mosaic) : c.mosaic === 'blood');
    }
  });

  test('top proposals land on marrow, never on glass, blood or the thick particle, and are spread out', () => {
    const { proposals } = result;
    assert.equal(proposals.length, 10);
    const kinds = proposals.map((p) => kindOf(p.rect));
    const marrow = kinds.filter((k) => k === 'marrow').length;
    assert.ok(marrow >= 8, `expected ≥ 80% of the top 10 on marrow, got ${kinds.join(', ')}`);
    for (const bad of ['blank', 'blood', 'thick'] as const) assert.ok(!kinds.includes(bad), `a proposal landed on ${bad}: ${kinds.join(', ')}`);
    for (let i = 0; i < proposals.length; i++) {
      for (let j = i + 1; j < proposals.length; j++) {
        const a = proposals[i]!.rect;
        const b = proposals[j]!.rect;
        assert.ok(Math.hypot(a.x - b.x, a.y - b.y) >= 1024, `proposals ${i + 1} and ${j + 1} are closer than 256 µm`);
      }
    }
    // The proposals hold real, known plasma cells (SegPC masks): on average more than 3 per 128-µm tile.
    const known = aspirate.knownCells.filter((c) => proposals.some((p) => pointInRect(c, p.rect))).length;
    assert.ok(known > 30, `expected > 30 known plasma cells inside the 10 proposals, got ${known}`);
  });

  test('every proposal carries its component scores, measurements and a reason; ranks follow the total', () => {
    let previous = Infinity;
    result.proposals.forEach((p, i) => {
      assert.equal(p.rank, i + 1);
      assert.equal(p.id, `proposal-${i + 1}`);
      assert.deepEqual([p.rect.width, p.rect.height], [512, 512]);
      assert.ok(p.rect.x % 512 === 0 && p.rect.y % 512 === 0, 'tiles sit on the 512 grid');
      const { coverage, cellularity, separation, nonBlood, focus, total } = p.scores;
      for (const v of [coverage, cellularity, separation, nonBlood, focus, total]) assert.ok(v >= 0 && v <= 1);
      assert.ok(Math.abs(total - coverage * cellularity * separation * nonBlood * focus) < 1e-12);
      assert.ok(total <= previous);
      previous = total;
      assert.ok(p.measurements.nucleatedPer10kUm2 > 5, `proposal ${p.rank}: ${p.measurements.nucleatedPer10kUm2}`);
      assert.equal(typeof p.measurements.laplacianVariance, 'number');
      assert.match(p.reason, /nucleated cells per 10,000 µm²/);
    });
    assert.equal(result.calibration.assumed, false);
    assert.ok(result.smearFraction > 0.7 && result.smearFraction < 0.9, `4 of 24 mosaic cells are glass; smear ${result.smearFraction}`);
    assert.ok(result.candidateCount >= 70 && result.candidateCount <= 80, `20 stained mosaic cells × 4 tiles; got ${result.candidateCount}`);
  });

  test('rejected kinds score low for the right reason', async () => {
    const reference = result.focusReference;
    assert.ok(reference !== null && reference > 0);
    const expectations: [MosaicKind, keyof typeof result.proposals[0]['scores'], RegExp][] = [
      ['blank', 'coverage', /^mostly empty glass/],
      ['blood', 'nonBlood', /^blood only/],
      ['thick', 'separation', /^thick or clotted/],
      ['blurred', 'focus', /^out of focus/],
    ];
    for (const [kind, component, reason] of expectations) {
      const cell = aspirate.cells.find((c) => c.kind === kind);
      assert.ok(cell, kind);
      const rect = { x: cell.rect.x, y: cell.rect.y, width: 512, height: 512 };
      const m = await measureSlideRegion(slide, rect, { mpp: 0.25 });
      const { scores, reason: why } = scoreRegion(m, reference);
      assert.ok(scores[component] < 0.25, `${kind}: ${component} = ${scores[component]}`);
      assert.ok(scores.total < 0.1, `${kind}: total ${scores.total}`);
      assert.match(why, reason, `${kind}: ${why}`);
    }
  });

  test('deterministic: the same slide and options give identical proposals', async () => {
    const again = await proposeRegions(slide, { count: 10 });
    assert.deepEqual(again, result);
  });

  test('proposals can be limited to manual regions of interest (GeoJSON)', async () => {
    // Marrow cells (0,0) and (1,0) plus the blood cell (2,0): a 3072 × 1024 rectangle along the top row.
    const [roi] = parseRoiGeoJson({ type: 'Polygon', coordinates: [[[0, 0], [3072, 0], [3072, 1024], [0, 1024], [0, 0]]] }, aspirate);
    assert.ok(roi);
    const within = await proposeRegions(slide, { count: 3, within: [roi], minSeparationUm: 128 });
    assert.ok(within.proposals.length >= 2);
    assert.ok(within.candidateCount <= 12);
    for (const p of within.proposals) {
      assert.ok(p.rect.x + p.rect.width <= 3072 && p.rect.y + p.rect.height <= 1024, JSON.stringify(p.rect));
      assert.equal(kindOf(p.rect), 'marrow');
    }
  });

  test('a slide without µm per pixel is CALIBRATION_MISSING, unless an mpp is explicitly assumed', async () => {
    const bare = await openSlide(aspirate.pathWithoutMpp);
    try {
      assert.equal(bare.properties['openslide.mpp-x'], undefined);
      await assert.rejects(proposeRegions(bare), (err: unknown) => err instanceof AppError && err.code === 'CALIBRATION_MISSING' && /Region proposal/.test(err.message));
      const assumed = await proposeRegions(bare, { count: 10, assumedMpp: 0.25 });
      assert.deepEqual(assumed.calibration, { x: 0.25, y: 0.25, assumed: true });
      assert.deepEqual(
        assumed.proposals.map((p) => p.rect),
        result.proposals.map((p) => p.rect),
        'same pixels, same assumed scale: same regions',
      );
      await assert.rejects(proposeRegions(bare, { assumedMpp: -1 }), (err: unknown) => err instanceof AppError && err.code === 'VALIDATION_FAILED');
    } finally {
      bare.close();
    }
  });
});
