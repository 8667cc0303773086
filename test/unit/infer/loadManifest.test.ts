import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../../electron/core/paths.js';
import { loadManifest, parseManifest, sha256Hex } from '../../../electron/core/infer/loadManifest.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

const tiny = join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble');
const base = (): Record<string, unknown> => JSON.parse(readFileSync(join(tiny, 'manifest.json'), 'utf8'));

/** A temporary copy of the tiny ensemble whose manifest `edit` may change. */
function tempEnsemble(edit: (m: Record<string, unknown>) => void = () => undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'marrowscope-manifest-'));
  for (const f of ['member-1.onnx', 'member-2.onnx']) copyFileSync(join(tiny, f), join(dir, f));
  const m = base();
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

const isCode = (code: string, pattern?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof AppError, `expected AppError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (pattern) assert.match(e.message, pattern);
  return true;
};

test('the tiny ensemble manifest loads; member bytes are the hashed bytes', async () => {
  const loaded = await loadManifest(join(tiny, 'manifest.json'));
  assert.equal(loaded.manifest.classes.length, 11);
  assert.equal(loaded.memberBytes.length, 2);
  loaded.memberBytes.forEach((b, i) => assert.equal(sha256Hex(b), loaded.manifest.members[i]!.sha256));
});

test('MODEL_MANIFEST_INVALID names the exact field: missing, wrong type, out of range, unknown key', () => {
  const cases: [string, (m: Record<string, unknown>) => void, RegExp][] = [
    ['missing input.size', (m) => delete (m['input'] as Record<string, unknown>)['size'], /manifest\.input\.size/],
    ['size as a string', (m) => ((m['input'] as Record<string, unknown>)['size'] = '96'), /manifest\.input\.size.*"96"/],
    ['size below 8', (m) => ((m['input'] as Record<string, unknown>)['size'] = 4), /manifest\.input\.size.*4/],
    ['zero temperature', (m) => ((m['calibration'] as Record<string, unknown>)['temperature'] = 0), /manifest\.calibration\.temperature/],
    ['bad channel order', (m) => ((m['input'] as Record<string, unknown>)['channelOrder'] = 'RGBA'), /manifest\.input\.channelOrder/],
    ['unknown top-level key', (m) => (m['extra'] = 1), /extra/],
    ['member path with a directory', (m) => (((m['members'] as Record<string, unknown>[])[1]!)['file'] = '../x.onnx'), /manifest\.members\.1\.file/],
    ['sha256 not hex', (m) => (((m['members'] as Record<string, unknown>[])[0]!)['sha256'] = 'abc'), /manifest\.members\.0\.sha256/],
    ['one class only', (m) => (m['classes'] = (m['classes'] as unknown[]).slice(0, 1)), /manifest\.classes/],
    ['lower-case code', (m) => (((m['classes'] as Record<string, unknown>[])[2]!)['code'] = 'er'), /manifest\.classes\.2\.code/],
    ['wrong aggregation', (m) => (m['aggregation'] = 'vote'), /manifest\.aggregation/],
    ['schema version 2', (m) => (m['schemaVersion'] = 2), /manifest\.schemaVersion/],
  ];
  for (const [what, edit, pattern] of cases) {
    const m = base();
    edit(m);
    assert.throws(() => parseManifest(m), isCode('MODEL_MANIFEST_INVALID', pattern), what);
  }
});

test('duplicate class codes and duplicate member files are MODEL_MANIFEST_INVALID', () => {
  const m = base();
  (m['classes'] as Record<string, unknown>[])[3]!['code'] = 'B2';
  assert.throws(() => parseManifest(m), isCode('MODEL_MANIFEST_INVALID', /Duplicate class code "B2".*manifest\.classes\.3\.code/));
  const d = base();
  (d['members'] as Record<string, unknown>[])[1]!['file'] = 'member-1.onnx';
  assert.throws(() => parseManifest(d), isCode('MODEL_MANIFEST_INVALID', /manifest\.members\.1\.file/));
});

test('a member whose bytes changed is MODEL_HASH_MISMATCH naming the file', async () => {
  const dir = tempEnsemble();
  try {
    const p = join(dir, 'member-2.onnx');
    const bytes = readFileSync(p);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(p, bytes);
    await assert.rejects(loadManifest(join(dir, 'manifest.json')), isCode('MODEL_HASH_MISMATCH', /member-2\.onnx/));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing member file, a missing manifest and a non-JSON manifest are MODEL_MANIFEST_INVALID', async () => {
  const dir = tempEnsemble((m) => (((m['members'] as Record<string, unknown>[])[1]!)['file'] = 'member-9.onnx'));
  try {
    await assert.rejects(loadManifest(join(dir, 'manifest.json')), isCode('MODEL_MANIFEST_INVALID', /members\.1\.file.*member-9\.onnx/));
    await assert.rejects(loadManifest(join(dir, 'nope.json')), isCode('MODEL_MANIFEST_INVALID', /nope\.json/));
    writeFileSync(join(dir, 'manifest.json'), '{ "schemaVersion": 1,');
    await assert.rejects(loadManifest(join(dir, 'manifest.json')), isCode('MODEL_MANIFEST_INVALID', /not valid JSON/));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
