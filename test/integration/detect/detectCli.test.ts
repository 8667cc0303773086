import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../../../electron/core/paths.js';
import { runCli } from '../../helpers/runCli.js';

// A BCCD-source field (640×480, ≈0.077 µm/px) with one labelled white cell.
const field = join(sharedDataDir(), 'fields', 'txl-pbc', 'images', 'test', '01e4af27-0d62-557e-b967-cd665b590d45.jpg');
const dir = mkdtempSync(join(tmpdir(), 'marrowscope-detect-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('detect writes a QuPath-compatible GeoJSON FeatureCollection', { skip: existsSync(field) ? false : `TXL-PBC field missing: ${field}` }, async () => {
  const out = join(dir, 'cells.geojson');
  const r = await runCli(['detect', '--mpp', '0.077', field, '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { cells: number; out: string };
  const fc = JSON.parse(readFileSync(out, 'utf8')) as {
    type: string;
    features: { type: string; id: string; geometry: { type: string; coordinates: number[][][] }; properties: { objectType: string; measurements: Record<string, number> } }[];
  };
  assert.equal(fc.type, 'FeatureCollection');
  assert.equal(fc.features.length, summary.cells);
  assert.ok(fc.features.length >= 1);
  for (const f of fc.features) {
    assert.equal(f.type, 'Feature');
    assert.match(f.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(f.geometry.type, 'Polygon');
    const ring = f.geometry.coordinates[0]!;
    assert.ok(ring.length >= 4);
    assert.deepEqual(ring[0], ring[ring.length - 1]);
    assert.equal(f.properties.objectType, 'detection');
    const { centroidX, centroidY, nucleusAreaUm2 } = f.properties.measurements;
    assert.ok(centroidX! >= 0 && centroidX! < 640 && centroidY! >= 0 && centroidY! < 480);
    assert.ok(nucleusAreaUm2! > 10);
  }
});

test('detect prints GeoJSON on stdout without --out', { skip: existsSync(field) ? false : `TXL-PBC field missing: ${field}` }, async () => {
  const r = await runCli(['detect', '--mpp', '0.077', field]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { type: string }).type, 'FeatureCollection');
});

test('bad --mpp is VALIDATION_FAILED (exit 2)', async () => {
  for (const mpp of ['abc', '0', '-0.25']) {
    const r = await runCli(['detect', '--mpp', mpp, field, '--json']);
    assert.equal(r.code, 2, `--mpp ${mpp}: ${r.stderr}`);
    assert.equal((JSON.parse(r.stderr) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
  }
  const missing = await runCli(['detect', field, '--json']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--mpp/);
});

test('an unreadable or missing image is IMAGE_UNREADABLE (exit 1)', async () => {
  const junk = join(dir, 'junk.jpg');
  writeFileSync(junk, 'this is not a JPEG');
  for (const file of [junk, join(dir, 'no-such-file.png')]) {
    const r = await runCli(['detect', '--mpp', '0.25', file, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const err = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
    assert.equal(err.code, 'IMAGE_UNREADABLE');
    assert.ok(err.message.includes(file));
  }
});
