import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedComponents } from '../../../electron/core/regions/connectedComponents.js';
import { classifyStain, STAIN } from '../../../electron/core/regions/classifyStain.js';
import { measureRegion } from '../../../electron/core/regions/measureRegion.js';
import { scoreRegion } from '../../../electron/core/regions/scoreRegion.js';
import { varianceOfLaplacian } from '../../../electron/core/regions/varianceOfLaplacian.js';
import type { RegionMeasurements } from '../../../electron/shared/domain/Roi.js';

// Colours sampled from the real fields (16-level histogram peaks): SegPC nucleus, PBC red cell, glass, a thick overlap.
const NUCLEUS = [104, 56, 152];
const RED_CELL = [200, 168, 168];
const GLASS = [242, 242, 242];
const THICK = [60, 40, 80];
const BASOPHILIC_CYTOPLASM = [90, 110, 200];

/** An RGBA image filled with `bg`, with filled discs of `fg` at the given centres. */
function discs(width: number, height: number, bg: number[], fg: number[], centres: [number, number][], radius: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = centres.some(([cx, cy]) => (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius * radius);
      data.set([...(inside ? fg : bg), 255], (y * width + x) * 4);
    }
  }
  return data;
}

test('connected components: 8-connectivity, areas, centroids, row-major order', () => {
  // Two blobs: a diagonal pair (8-connected: one component) and a 2×2 square.
  const mask = Uint8Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  const comps = connectedComponents(mask, 4, 4);
  assert.equal(comps.length, 1, 'the diagonal touches the square at (2,2)');
  assert.equal(comps[0]?.area, 6);
  const two = connectedComponents(Uint8Array.from([1, 0, 0, 0, 0, 1, 0, 1, 1]), 3, 3);
  assert.deepEqual(
    two.map((c) => c.area),
    [1, 3],
  );
  assert.deepEqual([two[0]?.cx, two[0]?.cy], [0.5, 0.5]);
  // Pixels (2,1), (1,2), (2,2): mean (5/3, 5/3) plus the half-pixel to their centres.
  assert.ok(Math.abs((two[1]?.cx ?? 0) - 13 / 6) < 1e-12 && Math.abs((two[1]?.cy ?? 0) - 13 / 6) < 1e-12);
  assert.throws(() => connectedComponents(new Uint8Array(3), 2, 2), RangeError);
});

test('stain classes from optical density: nucleus, red cell, glass, thick; blue cytoplasm is not a nucleus', () => {
  const px = [NUCLEUS, RED_CELL, GLASS, THICK, BASOPHILIC_CYTOPLASM].flatMap((c) => [...c, 255]);
  const s = classifyStain(Uint8Array.from(px), 5, 1, 4);
  assert.deepEqual([...s.classes], [STAIN.nuclear, STAIN.redCell, STAIN.glass, STAIN.dark, STAIN.other]);
  assert.equal(s.nuclearFraction, 0.2);
  const transparent = classifyStain(Uint8Array.from([0, 0, 0, 0]), 1, 1, 4);
  assert.equal(transparent.classes[0], STAIN.glass, 'past the slide edge counts as glass, not as black');
});

test('measureRegion counts nuclei ≥ the minimum area, clumps by area, per 10,000 µm²', () => {
  // 100×100 px at 1 µm/px = 10,000 µm²: four nuclei of radius 4 µm (≈ 50 µm²), one speck of radius 1.5 (≈ 7 µm²).
  const data = discs(100, 100, RED_CELL, NUCLEUS, [[20, 20], [60, 20], [20, 60], [60, 60]], 4);
  const speck = discs(100, 100, RED_CELL, NUCLEUS, [[90, 90]], 1.5);
  for (let i = 0; i < data.length; i++) if (speck[i] !== RED_CELL[i % 4] && i % 4 !== 3) data[i] = speck[i] as number;
  const m = measureRegion(data, 100, 100, 1);
  assert.equal(m.nucleatedCells, 4);
  assert.equal(m.nucleatedPer10kUm2, 4);
  assert.equal(m.clumpedNuclearFraction, 0);
  // The same image read as 0.5 µm/px covers a quarter of the area and each nucleus is 12.5 µm²: still counted, 16 per 10,000 µm².
  assert.equal(measureRegion(data, 100, 100, 0.5).nucleatedPer10kUm2, 16);
  // One big merged blob (radius 10 µm ≈ 314 µm²) counts as area / 50 µm² cells, and as clumped.
  const clump = measureRegion(discs(100, 100, RED_CELL, NUCLEUS, [[50, 50]], 10), 100, 100, 1);
  assert.ok(clump.nucleatedCells > 6 && clump.nucleatedCells < 6.6, String(clump.nucleatedCells));
  assert.equal(clump.clumpedNuclearFraction, 1);
});

test('variance of the Laplacian falls when an image is blurred', () => {
  const w = 64;
  const sharp = new Uint8Array(w * w * 3);
  for (let i = 0; i < w * w; i++) sharp.fill(((i % w) >> 2) % 2 ? 230 : 40, i * 3, i * 3 + 3); // 4-px stripes
  const soft = new Uint8Array(sharp.length);
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let d = -3; d <= 3; d++) sum += sharp[(y * w + Math.min(w - 1, Math.max(0, x + d))) * 3] as number;
      soft.fill(Math.round(sum / 7), (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
  const a = varianceOfLaplacian(sharp, w, w, 3);
  const b = varianceOfLaplacian(soft, w, w, 3);
  assert.ok(a > 10 * b, `sharp ${a} vs blurred ${b}`);
  assert.equal(varianceOfLaplacian(new Uint8Array(w * w * 3).fill(128), w, w, 3), 0);
});

const good: RegionMeasurements = {
  glassFraction: 0,
  nuclearFraction: 0.2,
  darkFraction: 0,
  redCellFraction: 0.1,
  nucleatedCells: 50,
  nucleatedPer10kUm2: 30,
  clumpedNuclearFraction: 0.3,
  laplacianVariance: 150,
};

test('scores: product of components; each failure named with its cause', () => {
  const ok = scoreRegion(good, 150);
  assert.equal(ok.scores.cellularity, 0.75);
  assert.equal(ok.scores.total, 0.75);
  assert.equal(ok.reason, '30.0 nucleated cells per 10,000 µm², well separated, in focus');
  assert.equal(scoreRegion({ ...good, laplacianVariance: null }, null).reason, '30.0 nucleated cells per 10,000 µm², well separated, focus not checked');
  const cases: [Partial<RegionMeasurements>, string][] = [
    [{ glassFraction: 0.8 }, 'mostly empty glass (80% glass)'],
    [{ nuclearFraction: 0.01, redCellFraction: 0.4, nucleatedPer10kUm2: 0.6 }, 'blood only: red cells with few nucleated cells (40% red cells, 1% nuclei)'],
    [{ darkFraction: 0.5, clumpedNuclearFraction: 0.9 }, 'thick or clotted: cells overlap (50% dark, 90% of nuclei clumped)'],
    [{ nucleatedPer10kUm2: 1 }, 'few nucleated cells (1.0 nucleated cells per 10,000 µm²)'],
    [{ laplacianVariance: 3 }, 'out of focus (Laplacian variance 3)'],
  ];
  for (const [change, reason] of cases) {
    const r = scoreRegion({ ...good, ...change }, 150);
    assert.equal(r.reason, reason);
    assert.ok(r.scores.total < 0.3, `${reason}: ${r.scores.total}`);
  }
});
