import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot, sharedDataDir } from '../../../electron/core/paths.js';
import { parseCsv } from '../../../electron/core/infer/csv.js';

const run = promisify(execFile);
const root = projectRoot();
const bin = join(root, 'bin', 'marrowscope.js');
const tinyDir = join(root, 'test', 'fixtures', 'tiny-ensemble');
const tiny = join(tinyDir, 'manifest.json');
const pbc = join(sharedDataDir(), 'cells', 'pbc');
const noData = existsSync(join(pbc, 'labels.csv')) ? false : `shared PBC data not found at ${pbc}`;

/** Runs the CLI; resolves with exit code, stdout and stderr (a non-zero exit is a result, not a throw). */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { cwd: root, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const CODES = ['B2', 'E4', 'ER', 'M2', 'M3', 'M4', 'M5', 'M6', 'L2', 'MO2', 'PL3'];

test('classify: PBC images, a folder, a non-image and a missing file → one row each, errors per row', { skip: noData }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marrowscope-classify-'));
  try {
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    copyFileSync(join(pbc, 'lymphocyte', readFirst('LY')), join(dir, 'nested', 'deeper', 'a.jpg'));
    writeFileSync(join(dir, 'nested', 'readme.txt'), 'not an image, and not picked up from a folder');
    writeFileSync(join(dir, 'fake.png'), 'not really a PNG');
    const files = [join(pbc, 'basophil', readFirst('BA')), join(pbc, 'eosinophil', readFirst('EO')), join(pbc, 'platelet', readFirst('PLATELET'))];
    const out = join(dir, 'out.csv');
    const r = await cli(['classify', '--model', tiny, '--mpp', '0.25', '--batch', '2', '--out', out, ...files, join(dir, 'nested'), join(dir, 'fake.png'), join(dir, 'missing.jpg')]);
    assert.equal(r.code, 0, r.stderr);
    const csv = parseCsv(readFileSync(out, 'utf8'));
    assert.deepEqual(csv.columns, ['file', 'code', 'name', 'probability', 'entropy', 'mutual_information', 'agreement', ...CODES, 'error']);
    assert.deepEqual(
      csv.rows.map((row) => row['file']),
      [...files, join(dir, 'nested', 'deeper', 'a.jpg'), join(dir, 'fake.png'), join(dir, 'missing.jpg')],
    );
    for (const row of csv.rows.slice(0, 4)) {
      assert.equal(row['error'], '');
      assert.ok(CODES.includes(row['code']!));
      const probs = CODES.map((c) => Number(row[c]));
      assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'class probabilities sum to 1');
      assert.equal(Number(row['probability']), Math.max(...probs));
      assert.equal(row['code'], CODES[probs.indexOf(Math.max(...probs))]);
    }
    assert.equal(csv.rows[4]!['error'], 'IMAGE_UNREADABLE');
    assert.equal(csv.rows[5]!['error'], 'NOT_FOUND');
    assert.match(r.stderr, /Classified 4 of 6 images \(2 failed\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('classify --mpp 0.1 resamples: a 360×363 original and its ×0.4 Lanczos copy at 0.25 classify alike', { skip: noData }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marrowscope-classify-'));
  try {
    // Build a 0.1 µm/px "original" by upsampling a shared 0.25 µm/px image ×2.5 with sharp, then compare both routes.
    const sharp = (await import('sharp')).default;
    const src = join(pbc, 'neutrophil', readFirst('SNE'));
    await sharp(src).resize(360, 363, { kernel: 'lanczos3' }).png().toFile(join(dir, 'orig.png'));
    const a = await cli(['classify', '--model', tiny, '--mpp', '0.1', join(dir, 'orig.png')]);
    const b = await cli(['classify', '--model', tiny, '--mpp', '0.25', src]);
    assert.equal(a.code, 0, a.stderr);
    const pa = parseCsv(a.stdout).rows[0]!;
    const pb = parseCsv(b.stdout).rows[0]!;
    for (const c of CODES) assert.ok(Math.abs(Number(pa[c]) - Number(pb[c])) < 0.02, `${c}: ${pa[c]} vs ${pb[c]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('classify refuses a manifest whose member hash differs: MODEL_HASH_MISMATCH as JSON, non-zero exit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marrowscope-classify-'));
  try {
    copyFileSync(join(tinyDir, 'member-1.onnx'), join(dir, 'member-1.onnx'));
    writeFileSync(join(dir, 'member-2.onnx'), Buffer.concat([readFileSync(join(tinyDir, 'member-2.onnx')), Buffer.from([0])]));
    copyFileSync(tiny, join(dir, 'manifest.json'));
    const r = await cli(['classify', '--json', '--model', join(dir, 'manifest.json'), '--mpp', '0.25', join(tinyDir, 'crops')]);
    assert.notEqual(r.code, 0);
    const err = JSON.parse(r.stderr.trim().split('\n').pop()!) as { error: { code: string; message: string } };
    assert.equal(err.error.code, 'MODEL_HASH_MISMATCH');
    assert.match(err.error.message, /member-2\.onnx/);
    assert.equal(r.stdout, '');
    writeFileSync(join(dir, 'manifest.json'), '{"schemaVersion": 1}');
    const bad = await cli(['classify', '--json', '--model', join(dir, 'manifest.json'), '--mpp', '0.25', join(tinyDir, 'crops')]);
    assert.notEqual(bad.code, 0);
    assert.equal((JSON.parse(bad.stderr.trim()) as { error: { code: string } }).error.code, 'MODEL_MANIFEST_INVALID');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('classify needs --mpp', async () => {
  const r = await cli(['classify', '--json', '--model', tiny, join(tinyDir, 'crops')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /VALIDATION_FAILED.*--mpp/);
});

let labelsCache: { file: string; fine_code: string }[] | undefined;
function readFirst(fine: string): string {
  labelsCache ??= parseCsv(readFileSync(join(pbc, 'labels.csv'), 'utf8')).rows as { file: string; fine_code: string }[];
  const row = labelsCache.find((r) => r.fine_code === fine);
  if (!row) throw new Error(`no ${fine} image in labels.csv`);
  return row.file.split('/').pop()!;
}
