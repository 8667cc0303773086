import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { exportReport } from '../../../electron/core/report/index.js';
import { secondSign, signReport } from '../../../electron/core/signoff/index.js';
import { auditHash, verifyAuditChain } from '../../../electron/core/store/index.js';
import { runCli } from '../../helpers/runCli.js';
import { buildFixtureCase, PASSWORDS, tempCase } from '../report/reportFixture.js';
import { jsonError } from './cliWithInput.js';

/** A signed, second-signed, reported case file, closed (checkpointed) so it is one file on disk. */
async function signedCase(dir: string, db: string): Promise<{ runId: number; cellId: number; entries: number }> {
  const { store, runId, cellIdsByCode } = await buildFixtureCase(db);
  const cellId = cellIdsByCode.get('M3')![0]!;
  store.review.decide({ cellIds: [cellId], action: 'reclassify', labelCode: 'M4', reviewer: 'AB', note: 'indented nucleus' });
  await signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approved' });
  await secondSign(store, { runId, initials: 'CD', password: PASSWORDS.CD, meaning: 'reviewed' });
  await exportReport(store, runId, 'fhir', join(dir, 'report.json'), { appVersion: '0.1.0' });
  const entries = store.audit.head()!.seq;
  store.close();
  return { runId, cellId, entries };
}

/** Opens a copy of the case raw, drops the append-only triggers (as an attacker with file access could) and runs `edit`. */
function tampered(src: string, dest: string, edit: (db: Database.Database) => void): void {
  copyFileSync(src, dest);
  const db = new Database(dest);
  try {
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_linked;');
    edit(db);
  } finally {
    db.close();
  }
}

function verify(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return verifyAuditChain(db);
  } finally {
    db.close();
  }
}

test('editing, deleting or re-hashing ANY audit row is detected and the first broken entry is named', async (t) => {
  const tmp = tempCase('ms-tamper-');
  t.after(tmp.cleanup);
  const { entries } = await signedCase(tmp.dir, tmp.db);
  assert.ok(entries >= 15, `the case has a real log (${entries} entries)`);
  assert.equal(verify(tmp.db).ok, true);
  const copy = join(tmp.dir, 'copy.marrowscope');
  for (let seq = 1; seq <= entries; seq++) {
    // 1. Edit the row's content (who did it).
    tampered(tmp.db, copy, (db) => db.prepare("UPDATE audit_log SET actor = actor || '.' WHERE seq = ?").run(seq));
    let v = verify(copy);
    assert.ok(!v.ok && v.firstBrokenSeq === seq && v.reason === 'hash-mismatch', `edit of entry ${seq}: ${JSON.stringify(v)}`);
    // 2. Edit its payload and re-hash it: the NEXT entry no longer links (or, for the last, only an outside head shows it).
    tampered(tmp.db, copy, (db) => {
      const row = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as { seq: number; at: string; actor: string; action: string; entity: string; payload: string; prev_hash: string };
      const payload = JSON.stringify({ forged: true });
      db.prepare('UPDATE audit_log SET payload = ?, hash = ? WHERE seq = ?').run(payload, auditHash(row.prev_hash, { ...row, payload }), seq);
    });
    v = verify(copy);
    if (seq < entries) assert.ok(!v.ok && v.firstBrokenSeq === seq + 1 && v.reason === 'prev-hash-mismatch', `re-hash of entry ${seq}: ${JSON.stringify(v)}`);
    // 3. Delete the row.
    tampered(tmp.db, copy, (db) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq));
    v = verify(copy);
    if (seq < entries) assert.ok(!v.ok && v.firstBrokenSeq === seq + 1 && v.reason === 'seq-gap', `delete of entry ${seq}: ${JSON.stringify(v)}`);
  }
});

test('marrowscope audit verify: intact → exit 0; tampered row, truncated tail or a label changed behind the lock → AUDIT_CHAIN_BROKEN naming it', async (t) => {
  const tmp = tempCase('ms-tamper-cli-');
  t.after(tmp.cleanup);
  const { entries, cellId } = await signedCase(tmp.dir, tmp.db);
  const ok = await runCli(['audit', 'verify', tmp.db, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const res = JSON.parse(ok.stdout) as { ok: boolean; entries: number; head: { seq: number; hash: string }; signatures: number };
  assert.deepEqual([res.ok, res.entries, res.signatures], [true, entries, 2]);

  const edited = join(tmp.dir, 'edited.marrowscope');
  tampered(tmp.db, edited, (db) => db.prepare("UPDATE audit_log SET payload = json_set(payload, '$.meaning', 'reviewed') WHERE action = 'signoff.sign'").run());
  const bad = await runCli(['audit', 'verify', edited, '--json']);
  assert.notEqual(bad.code, 0);
  const err = jsonError(bad.stderr);
  assert.equal(err.code, 'AUDIT_CHAIN_BROKEN');
  const signSeq = (new Database(tmp.db, { readonly: true }).prepare("SELECT seq FROM audit_log WHERE action = 'signoff.sign'").pluck().get()) as number;
  assert.match(err.message, new RegExp(`Audit entry ${signSeq} \\(signoff\\.sign on run:1\\).*first broken entry: ${signSeq}`));

  // Truncating the tail keeps a consistent chain; the head recorded elsewhere (the report, a bundle note) exposes it.
  const cut = join(tmp.dir, 'cut.marrowscope');
  // (Cutting the report export, the last entry: cutting a signature's entry is caught by the signature check itself.)
  tampered(tmp.db, cut, (db) => db.prepare('DELETE FROM audit_log WHERE seq >= ?').run(entries));
  assert.equal((await runCli(['audit', 'verify', cut])).code, 0, 'the shortened chain is consistent on its own');
  const truncated = await runCli(['audit', 'verify', cut, '--head', `${res.head.seq}:${res.head.hash}`, '--json']);
  assert.notEqual(truncated.code, 0);
  assert.match(jsonError(truncated.stderr).message, new RegExp(`ends at entry ${entries - 1}, before the recorded head ${entries}`));

  // A label changed with the lock trigger dropped leaves the chain intact but no longer matches the signature.
  const relabelled = join(tmp.dir, 'relabelled.marrowscope');
  tampered(tmp.db, relabelled, (db) => {
    db.exec('DROP TRIGGER review_decisions_signed_lock');
    db.prepare("INSERT INTO review_decisions (batch_id, cell_id, action, label_code, reviewer, decided_at) VALUES (999, ?, 'reclassify', 'M1', 'AB', '2026-01-01T00:00:00.000Z')").run(cellId);
  });
  const sneaky = await runCli(['audit', 'verify', relabelled, '--json']);
  assert.notEqual(sneaky.code, 0);
  assert.match(jsonError(sneaky.stderr).message, /locked by signed version 1, but its current labels .* differ .*cell labels changed/);
  // ...and a final report is refused from it.
  const rep = await runCli(['report', relabelled, '--run', '1', '--format', 'pdf', '--out', join(tmp.dir, 'x.pdf'), '--json']);
  assert.notEqual(rep.code, 0);
  assert.equal(jsonError(rep.stderr).code, 'AUDIT_CHAIN_BROKEN');
});

test('marrowscope audit show lists who changed what and when, for the case and for one cell', async (t) => {
  const tmp = tempCase('ms-audit-show-');
  t.after(tmp.cleanup);
  const { cellId } = await signedCase(tmp.dir, tmp.db);
  const cell = await runCli(['audit', 'show', tmp.db, '--cell', String(cellId)]);
  assert.equal(cell.code, 0, cell.stderr);
  assert.match(cell.stdout, new RegExp(`Cell ${cellId} \\(run 1\\): predicted M3, now M4`));
  assert.match(cell.stdout, /\d{4}-\d\d-\d\dT[\d:.]+Z {2}AB {2}reclassify → M4 {2}note: indented nucleus/);
  assert.match(cell.stdout, /AB {2}review\.reclassify {2}review_batch:1 {2}cells \d+; → M4; note: indented nucleus/);
  const all = await runCli(['audit', 'show', tmp.db, '--action', 'signoff.']);
  assert.equal(all.code, 0, all.stderr);
  const lines = all.stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /AB {2}signoff\.sign {2}run:1 {2}approved by Dr Alice Brown \(v1\)/);
  assert.match(lines[1]!, /CD {2}signoff\.second {2}run:1 {2}reviewed by Dr Chidi Dube \(v1\)/);
  const json = JSON.parse((await runCli(['audit', 'show', tmp.db, '--json'])).stdout) as { entries: { action: string }[] };
  assert.ok(json.entries.some((e) => e.action === 'report.export'), 'exports are in the audit log');
});
