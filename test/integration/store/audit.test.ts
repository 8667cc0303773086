import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { auditHash, GENESIS_HASH, MIGRATIONS, openCaseStore, verifyAuditChain } from '../../../electron/core/store/index.js';
import { canonicalJson } from '../../../electron/core/store/canonicalJson.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { gridCells, squareRegion, startRun, tempDir } from './storeFixtures.js';

function populated(file: string): number {
  const store = openCaseStore(file, { actor: 'analysis' });
  const { runId } = startRun(store);
  const regions = store.regions.addMany(runId, [squareRegion(0, 0, 0), squareRegion(1, 600, 0)]);
  for (const r of regions) store.cells.insertBatch(r.id, gridCells(10, r.bounds.x, 0));
  store.review.decide({ cellIds: [1, 2, 3], action: 'reclassify', labelCode: 'ER3', reviewer: 'dr.a' });
  store.review.decide({ cellIds: [4], action: 'defer', reviewer: 'dr.b', note: 'ask a colleague' });
  store.runs.finish(runId, 'completed');
  const n = store.audit.list().length;
  store.close();
  return n;
}

/** Raw connection with the append-only triggers dropped: what an attacker with file access could do. */
function tamperable(file: string): Database.Database {
  const raw = new Database(file);
  raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_linked;');
  return raw;
}

test('canonical JSON sorts keys at every depth, keeps array order and refuses non-JSON values', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  assert.throws(() => canonicalJson({ a: NaN }), /\$\.a is NaN/);
  assert.throws(() => canonicalJson({ a: [undefined] }), /\$\.a\[0\] is a undefined/);
});

test('every repository change writes one chained audit entry; the chain verifies', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const n = populated(tmp.file());
  const store = openCaseStore(tmp.file());
  t.after(() => store.close());
  const entries = store.audit.list();
  assert.equal(entries.length, n);
  assert.deepEqual(
    entries.map((e) => e.action),
    [...MIGRATIONS.map(() => 'store.migrate'), 'slide.add', 'run.start', 'regions.add', 'cells.insert', 'cells.insert', 'review.reclassify', 'review.defer', 'run.finish'],
  );
  assert.equal(entries.find((e) => e.action === 'review.defer')?.actor, 'dr.b');
  assert.equal(entries.find((e) => e.action === 'run.start')?.actor, 'analysis');
  // Check the chain independently of verifyAuditChain: genesis, links and hashes.
  let prev = GENESIS_HASH;
  entries.forEach((e, i) => {
    assert.equal(e.seq, i + 1);
    assert.equal(e.prevHash, prev);
    assert.equal(e.hash, auditHash(prev, { ...e, payload: canonicalJson(e.payload) }));
    prev = e.hash;
  });
  const v = store.audit.verifyChain();
  assert.deepEqual(v, { ok: true, entries: n, headHash: prev });
  assert.deepEqual(store.audit.head(), { seq: n, hash: prev });
});

test('an edited entry is named by verifyAuditChain (hash mismatch)', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  populated(tmp.file());
  const raw = tamperable(tmp.file());
  t.after(() => raw.close());
  raw.prepare("UPDATE audit_log SET payload = json_set(payload, '$.labelCode', 'M1') WHERE action = 'review.reclassify'").run();
  const seq = raw.prepare("SELECT seq FROM audit_log WHERE action = 'review.reclassify'").pluck().get() as number;
  const v = verifyAuditChain(raw);
  assert.equal(v.ok, false);
  assert.ok(!v.ok && v.firstBrokenSeq === seq && v.reason === 'hash-mismatch' && v.entries === seq - 1, JSON.stringify(v));
  assert.match(!v.ok ? v.message : '', new RegExp(`Audit entry ${seq} \\(review\\.reclassify`));
});

test('an edited and re-hashed entry breaks the link of the next one', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  populated(tmp.file());
  const raw = tamperable(tmp.file());
  t.after(() => raw.close());
  const row = raw.prepare('SELECT * FROM audit_log WHERE seq = 4').get() as { seq: number; at: string; actor: string; action: string; entity: string; payload: string; prev_hash: string };
  const forged = { ...row, actor: 'mallory' };
  raw.prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 4').run('mallory', auditHash(row.prev_hash, forged));
  const v = verifyAuditChain(raw);
  assert.ok(!v.ok && v.firstBrokenSeq === 5 && v.reason === 'prev-hash-mismatch', JSON.stringify(v));
});

test('a deleted entry is named as a gap', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  populated(tmp.file());
  const raw = tamperable(tmp.file());
  t.after(() => raw.close());
  raw.prepare('DELETE FROM audit_log WHERE seq = 6').run();
  const v = verifyAuditChain(raw);
  assert.ok(!v.ok && v.firstBrokenSeq === 7 && v.reason === 'seq-gap', JSON.stringify(v));
  assert.match(!v.ok ? v.message : '', /entries 6–6 are missing/);
});

test('a change and its audit entry commit or roll back together', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const store = openCaseStore(tmp.file());
  t.after(() => store.close());
  const { runId } = startRun(store);
  const before = store.audit.list().length;
  assert.throws(
    () =>
      store.transaction(() => {
        store.regions.addMany(runId, [squareRegion(0, 0, 0)]);
        throw new AppError('ANALYSIS_CANCELLED', 'stop');
      }),
    (e: unknown) => e instanceof AppError && e.code === 'ANALYSIS_CANCELLED',
  );
  assert.equal(store.regions.list(runId).length, 0);
  assert.equal(store.audit.list().length, before);
  // Appending outside a transaction is refused: it could commit without its change.
  assert.throws(() => store.audit.append({ action: 'x', entity: 'y', payload: {} }), (e: unknown) => e instanceof AppError && e.code === 'INTERNAL');
  assert.equal(store.audit.verifyChain().ok, true);
});
