import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { BLAST_DEFINITIONS, computeDifferential } from '../../../electron/shared/domain/differential/index.js';
import { buildSyntheticAspirate, syntheticAspirateSkipReason } from '../../helpers/syntheticAspirate.js';
import { runCli } from '../../helpers/runCli.js';
import { tempCase } from '../report/reportFixture.js';
import { cliWithInput, jsonError } from './cliWithInput.js';

const TINY_MANIFEST = join(process.cwd(), 'test', 'fixtures', 'tiny-ensemble', 'manifest.json');
const skip = syntheticAspirateSkipReason() || (existsSync('/usr/bin/pdftotext') ? false : 'pdftotext (poppler-utils) not installed: run scripts/setup.sh');

test('CLI end to end: analyze → reviewer add → refused final report → sign (password on stdin) → PDF → bundle for a second opinion → second signature elsewhere', { skip, timeout: 240_000 }, async (t) => {
  const aspirate = await buildSyntheticAspirate();
  const tmp = tempCase('ms-signoff-cli-');
  t.after(tmp.cleanup);
  const roi = join(tmp.dir, 'roi.geojson');
  const r = aspirate.cells.find((c) => c.kind === 'marrow')!.rect;
  writeFileSync(roi, JSON.stringify({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[r.x, r.y], [r.x + 512, r.y], [r.x + 512, r.y + 512], [r.x, r.y + 512], [r.x, r.y]]] }, properties: { objectType: 'annotation' } }));
  const db = tmp.db;
  const an = await runCli(['analyze', aspirate.path, '--db', db, '--roi', roi, '--model', TINY_MANIFEST, '--json']);
  assert.equal(an.code, 0, an.stderr);
  const runId = (JSON.parse(an.stdout) as { runId: number }).runId;

  const add = await cliWithInput(['reviewer', 'add', db, '--name', 'Dr Alice Brown', '--initials', 'AB', '--role', 'Consultant haematologist', '--password-stdin', '--json'], 'correct horse battery\n');
  assert.equal(add.code, 0, add.stderr);
  assert.deepEqual((JSON.parse(add.stdout) as { reviewer: { initials: string; canSign: boolean } }).reviewer.canSign, true);
  const short = await cliWithInput(['reviewer', 'add', db, '--name', 'X Y', '--initials', 'XY', '--role', 'BMS', '--json'], 'short\n');
  assert.equal(jsonError(short.stderr).code, 'VALIDATION_FAILED');
  assert.match(jsonError(short.stderr).message, /at least 8 characters/);
  assert.equal((await runCli(['report', 'details', db, '--case-number', 'S26-0999', '--patient-id', 'MRN-1'])).code, 0);

  const pdf = join(tmp.dir, 'report.pdf');
  const unsigned = await runCli(['report', db, '--run', String(runId), '--format', 'pdf', '--out', pdf, '--json']);
  assert.notEqual(unsigned.code, 0);
  assert.equal(jsonError(unsigned.stderr).code, 'SIGNOFF_BLOCKED');
  assert.match(jsonError(unsigned.stderr).message, /not signed: a final report needs a signature/);
  assert.equal(existsSync(pdf), false);

  const wrong = await cliWithInput(['sign', db, '--run', String(runId), '--reviewer', 'AB', '--meaning', 'approved', '--password-stdin', '--json'], 'battery horse correct\n');
  assert.notEqual(wrong.code, 0);
  assert.equal(jsonError(wrong.stderr).code, 'AUTHENTICATION_FAILED');
  const signed = await cliWithInput(['sign', db, '--run', String(runId), '--reviewer', 'AB', '--meaning', 'approved', '--json'], 'correct horse battery\n');
  assert.equal(signed.code, 0, signed.stderr);
  const again = await cliWithInput(['sign', db, '--run', String(runId), '--reviewer', 'AB', '--meaning', 'approved', '--json'], 'correct horse battery\n');
  assert.equal(jsonError(again.stderr).code, 'REPORT_SIGNED');
  const status = JSON.parse((await runCli(['sign', 'status', db, '--run', String(runId), '--json'])).stdout) as { status: { locked: boolean; latestVersion: number } };
  assert.deepEqual([status.status.locked, status.status.latestVersion], [true, 1]);

  const rep = await runCli(['report', db, '--run', String(runId), '--format', 'pdf', '--out', pdf, '--model', TINY_MANIFEST, '--json']);
  assert.equal(rep.code, 0, rep.stderr);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const store = openCaseStore(db, { readonly: true });
  const d = computeDifferential(store.cells.currentLabelCounts(runId), { blastDefinition: BLAST_DEFINITIONS.icsh });
  store.close();
  assert.match(text, new RegExp(`Total nucleated cells counted \\(NDC\\): ${d.ndcTotal}`));
  for (const row of d.rows.filter((x) => x.count > 0)) {
    assert.ok(text.split('\n').some((l) => l.includes(row.name) && l.includes(row.percent!.toFixed(1)) && l.includes(`${row.interval!.low.toFixed(1)}–${row.interval!.high.toFixed(1)}`)), `row ${row.name}`);
  }
  assert.match(text, /tiny-test-ensemble 0\.0\.1/, 'model name and version from the manifest with the run\'s hash');
  assert.match(text, /S26-0999/);

  // A bundle for a second opinion: one file, no password hashes, a chain that verifies on arrival.
  const bundle = join(tmp.dir, 'case.mrsbundle');
  const ex = await runCli(['bundle', 'export', db, '--out', bundle, '--json']);
  assert.equal(ex.code, 0, ex.stderr);
  const exported = JSON.parse(ex.stdout) as { sha256: string; head: { seq: number; hash: string } };
  const src = new Database(db, { readonly: true });
  const hash = src.prepare('SELECT password_hash FROM reviewer_credentials').pluck().get() as string;
  src.close();
  assert.match(hash, /^scrypt\$15\$8\$1\$/);
  const key = hash.split('$').pop()!;
  assert.equal(readFileSync(bundle).includes(key), false, 'the bundle carries no password hash, not even in free pages');
  assert.equal(readFileSync(bundle).includes(hash.split('$')[4]!), false, 'nor its salt');
  const other = join(tmp.dir, 'elsewhere.marrowscope');
  const im = await runCli(['bundle', 'import', bundle, '--db', other, '--json']);
  assert.equal(im.code, 0, im.stderr);
  assert.deepEqual((JSON.parse(im.stdout) as { head: unknown }).head, exported.head);
  const verified = await runCli(['audit', 'verify', other, '--head', `${exported.head.seq}:${exported.head.hash}`, '--json']);
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal((JSON.parse(verified.stdout) as { signatures: number }).signatures, 1);
  assert.match((await runCli(['reviewer', 'list', other])).stdout, /AB {7}Dr Alice Brown — Consultant haematologist \(no password here: cannot sign\)/);
  const impostor = await cliWithInput(['sign', 'second', other, '--run', String(runId), '--reviewer', 'AB', '--meaning', 'reviewed', '--json'], 'correct horse battery\n');
  assert.equal(jsonError(impostor.stderr).code, 'AUTHENTICATION_FAILED');
  assert.match(jsonError(impostor.stderr).message, /arrived in a case bundle/);
  assert.equal((await cliWithInput(['reviewer', 'add', other, '--name', 'Dr Chidi Dube', '--initials', 'CD', '--role', 'Haematopathologist'], 'second opinion 42\n')).code, 0);
  const cells = JSON.parse((await runCli(['export', other, '--run', String(runId), '--format', 'geojson'])).stdout) as { features: { properties: { cellId: number; currentCode: string } }[] };
  const first = cells.features[0]!.properties;
  const proposed = first.currentCode === 'L2' ? 'M1' : 'L2';
  const second = await cliWithInput(['sign', 'second', other, '--run', String(runId), '--reviewer', 'CD', '--meaning', 'reviewed', '--disagree', `${first.cellId}=${proposed}:nucleolus visible`, '--json'], 'second opinion 42\n');
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual((JSON.parse(second.stdout) as { signature: { disagreements: unknown[] } }).signature.disagreements, [{ cellId: first.cellId, signedCode: first.currentCode, proposedCode: proposed, note: 'nucleolus visible' }]);
  assert.equal((await runCli(['audit', 'verify', other])).code, 0);

  // A bundle altered in transit is refused and nothing is created.
  const altered = join(tmp.dir, 'altered.mrsbundle');
  copyFileSync(bundle, altered);
  const raw = new Database(altered);
  raw.exec('DROP TRIGGER audit_log_no_update');
  raw.prepare("UPDATE audit_log SET actor = 'someone else' WHERE action = 'signoff.sign'").run();
  raw.close();
  const refused = await runCli(['bundle', 'import', altered, '--db', join(tmp.dir, 'x.marrowscope'), '--json']);
  assert.equal(jsonError(refused.stderr).code, 'AUDIT_CHAIN_BROKEN');
  assert.match(jsonError(refused.stderr).message, /Audit entry \d+ \(signoff\.sign on run:\d+\) does not match its hash/);
  assert.equal(existsSync(join(tmp.dir, 'x.marrowscope')), false);
});
