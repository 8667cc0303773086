import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchPoints } from '../../../electron/core/detect/matchPoints.js';
import { buildSyntheticAspirate, syntheticAspirateSkipReason, type MosaicCell } from '../../helpers/syntheticAspirate.js';
import { runCli } from '../../helpers/runCli.js';

const skip = syntheticAspirateSkipReason() ?? false;
const dir = mkdtempSync(join(tmpdir(), 'marrowscope-detect-slide-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function roiFile(cells: readonly MosaicCell[]): string {
  const file = join(dir, `roi-${cells.map((c) => `${c.col}${c.row}`).join('-')}.geojson`);
  const features = cells.map((c) => {
    const { x, y, width: w, height: h } = c.rect;
    return {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]] },
      properties: { objectType: 'annotation', name: c.kind },
    };
  });
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return file;
}

test('slide mode: cells inside the ROI of a synthetic aspirate, plasma cells found, blank glass empty', { skip }, async () => {
  const slide = await buildSyntheticAspirate();
  const marrow = slide.cells.find((c) => c.kind === 'marrow')!;
  const blank = slide.cells.find((c) => c.kind === 'blank')!;
  const out = join(dir, 'cells.geojson');
  const r = await runCli(['detect', slide.path, '--roi', roiFile([marrow, blank]), '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const fc = JSON.parse(readFileSync(out, 'utf8')) as { features: { properties: { objectType: string; measurements: Record<string, number> } }[] };
  const centroids = fc.features.map((f) => ({ x: f.properties.measurements['centroidX']!, y: f.properties.measurements['centroidY']! }));
  assert.ok(centroids.length > 10);
  const inRect = (p: { x: number; y: number }, c: MosaicCell) => p.x >= c.rect.x && p.x < c.rect.x + c.rect.width && p.y >= c.rect.y && p.y < c.rect.y + c.rect.height;
  // Every cell lies in the marrow ROI; none on the blank glass.
  assert.equal(centroids.filter((p) => inRect(p, blank)).length, 0);
  assert.equal(centroids.filter((p) => !inRect(p, marrow)).length, 0);
  // Known plasma cells (SegPC masks) in that mosaic cell: most are found within 5 µm.
  const known = slide.knownCells.filter((k) => k.kind === 'plasma' && inRect(k, marrow));
  assert.ok(known.length > 5);
  const recall = matchPoints(centroids, known, 5 / slide.mpp).pairs.length / known.length;
  // Measured 0.75 (27/36) on the first marrow cell; the floor leaves a margin.
  assert.ok(recall >= 0.6, `plasma-cell recall ${recall.toFixed(3)} of ${known.length}`);
});

test('slide mode without a calibration is CALIBRATION_MISSING; --mpp overrides it', { skip }, async () => {
  const slide = await buildSyntheticAspirate();
  const blank = slide.cells.find((c) => c.kind === 'blank')!;
  const roi = roiFile([blank]);
  const r = await runCli(['detect', slide.pathWithoutMpp, '--roi', roi, '--json']);
  assert.equal(r.code, 1);
  assert.equal((JSON.parse(r.stderr) as { error: { code: string } }).error.code, 'CALIBRATION_MISSING');
  const ok = await runCli(['detect', slide.pathWithoutMpp, '--roi', roi, '--mpp', '0.25']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual((JSON.parse(ok.stdout) as { features: unknown[] }).features, []);
});
