import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openCaseStore, verifyAuditChain } from '../../../electron/core/store/index.js';
import { buildSyntheticAspirate, syntheticAspirateSkipReason, type SyntheticAspirate } from '../../helpers/syntheticAspirate.js';
import { runCli } from '../../helpers/runCli.js';
import { testManifestPath } from '../../helpers/testModel.js';

const skip = syntheticAspirateSkipReason();

/** A GeoJSON rectangle ROI over the first `n` marrow mosaic cells (level-0 px). */
function marrowRoi(aspirate: SyntheticAspirate, n: number): { roi: object; rects: { x: number; y: number; width: number; height: number }[] } {
  const rects = aspirate.cells.filter((c) => c.kind === 'marrow').slice(0, n).map((c) => c.rect);
  const features = rects.map((r, i) => ({
    type: 'Feature',
    id: `roi-${i}`,
    geometry: { type: 'Polygon', coordinates: [[[r.x, r.y], [r.x + r.width, r.y], [r.x + r.width, r.y + r.height], [r.x, r.y + r.height], [r.x, r.y]]] },
    properties: { objectType: 'annotation' },
  }));
  return { roi: { type: 'FeatureCollection', features }, rects };
}

test('analyze → case file → export on a synthetic aspirate built from real marrow fields', { skip, timeout: 300_000 }, async () => {
  const aspirate = await buildSyntheticAspirate();
  const dir = mkdtempSync(join(tmpdir(), 'ms-analyze-'));
  try {
    const { roi, rects } = marrowRoi(aspirate, 1);
    const roiPath = join(dir, 'roi.geojson');
    writeFileSync(roiPath, JSON.stringify(roi));
    const db = join(dir, 'case.marrowscope');
    const r = await runCli(['analyze', aspirate.path, '--db', db, '--roi', roiPath, '--model', testManifestPath(), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { runId: number; status: string; cells: number; regions: number; differential: { ndcTotal: number } };
    assert.equal(out.status, 'completed');
    assert.equal(out.regions, 4, 'a 1024² ROI is four 512² regions');
    assert.ok(out.cells >= 20, `expected a crowded marrow field to yield ≥ 20 cells, got ${out.cells}`);

    // Known plasma cells inside the ROI are found (centroid within 5 µm = 20 px at 0.25 µm/px).
    const csv = (await runCli(['export', db, '--run', String(out.runId), '--format', 'csv'])).stdout.trim().split('\n');
    assert.equal(csv.length - 1, out.cells, 'export lists every stored cell');
    const cells = csv.slice(1).map((l) => l.split(',')).map((f) => ({ region: f[1], index: f[2], x: Number(f[3]), y: Number(f[4]) }));
    assert.equal(new Set(cells.map((c) => `${c.region}:${c.index}`)).size, cells.length, 'no duplicate cells');
    const inRoi = aspirate.knownCells.filter((k) => rects.some((q) => k.x >= q.x && k.x < q.x + q.width && k.y >= q.y && k.y < q.y + q.height));
    if (inRoi.length > 0) {
      const found = inRoi.filter((k) => cells.some((c) => Math.hypot(c.x - k.x, c.y - k.y) <= 20)).length;
      assert.ok(found / inRoi.length >= 0.8, `plasma-cell recall ${found}/${inRoi.length} below 0.8`);
    }

    // GeoJSON export: one detection per cell, current label as classification.
    const gj = JSON.parse((await runCli(['export', db, '--run', String(out.runId), '--format', 'geojson'])).stdout) as { features: { properties: { objectType: string } }[] };
    assert.equal(gj.features.length, out.cells);
    assert.ok(gj.features.every((f) => f.properties.objectType === 'detection'));

    // Running the same analysis again redoes nothing and stores nothing twice.
    const again = await runCli(['analyze', aspirate.path, '--db', db, '--roi', roiPath, '--model', testManifestPath(), '--json']);
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout) as { runId: number; cells: number; alreadyComplete: boolean };
    assert.deepEqual([second.runId, second.cells, second.alreadyComplete], [out.runId, out.cells, true]);

    const store = openCaseStore(db, { create: false });
    try {
      assert.deepEqual(store.integrityCheck(), ['ok']);
      assert.equal(store.cells.countForRun(out.runId), out.cells);
      assert.equal(verifyAuditChain(store.connection).ok, true);
      const cell = store.cells.get(1);
      assert.equal(cell.hasCrop, true);
      const crop = store.cells.crop(1)!;
      assert.deepEqual([...crop.subarray(0, 2)], [0xff, 0xd8], 'crop stored as JPEG');
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input: uncalibrated slide, broken slide, bad ROI, wrong model each give a coded error', { skip, timeout: 120_000 }, async () => {
  const aspirate = await buildSyntheticAspirate();
  const dir = mkdtempSync(join(tmpdir(), 'ms-analyze-bad-'));
  try {
    const db = join(dir, 'case.marrowscope');
    const roiPath = join(dir, 'roi.geojson');
    writeFileSync(roiPath, JSON.stringify(marrowRoi(aspirate, 1).roi));
    const code = async (args: string[]): Promise<string> => {
      const r = await runCli([...args, '--json']);
      assert.notEqual(r.code, 0);
      return (JSON.parse(r.stderr.trim().split('\n').pop()!) as { error: { code: string } }).error.code;
    };
    assert.equal(await code(['analyze', aspirate.pathWithoutMpp, '--db', db, '--roi', roiPath, '--model', testManifestPath()]), 'CALIBRATION_MISSING');
    assert.equal(await code(['analyze', join(dir, 'missing.svs'), '--db', db, '--roi', roiPath]), 'SLIDE_NOT_FOUND');
    writeFileSync(join(dir, 'bad.geojson'), '{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}');
    assert.equal(await code(['analyze', aspirate.path, '--db', db, '--roi', join(dir, 'bad.geojson'), '--model', testManifestPath()]), 'VALIDATION_FAILED');
    // A member whose bytes do not match the manifest's hash: refused before anything is stored.
    const manifest = JSON.parse(readFileSync(testManifestPath(), 'utf8')) as { members: { file: string; sha256: string }[] };
    for (const m of manifest.members) copyFileSync(join(dirname(testManifestPath()), m.file), join(dir, m.file));
    manifest.members[0]!.sha256 = '0'.repeat(64);
    const wrong = join(dir, 'manifest.json');
    writeFileSync(wrong, JSON.stringify(manifest));
    assert.equal(await code(['analyze', aspirate.path, '--db', db, '--roi', roiPath, '--model', wrong]), 'MODEL_HASH_MISMATCH');
    writeFileSync(wrong, '{"schemaVersion": 1}');
    assert.equal(await code(['analyze', aspirate.path, '--db', db, '--roi', roiPath, '--model', wrong]), 'MODEL_MANIFEST_INVALID');
    // Nothing was stored by the refused runs.
    const store = openCaseStore(db, { create: false });
    try {
      assert.equal(store.runs.unfinished().length, 0);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
