import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { gridCells, squareRegion, startRun, tempDir } from './storeFixtures.js';

/** A case file with cells, decisions and audit entries, closed, for raw connections to attack. */
function populatedCaseFile(file: string): void {
  const store = openCaseStore(file);
  const { runId } = startRun(store);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0)]);
  store.cells.insertBatch(region!.id, gridCells(5));
  store.review.decide({ cellIds: [1, 2], action: 'reclassify', labelCode: 'L2', reviewer: 'dr.a' });
  store.review.undo('dr.a');
  store.runs.finish(runId, 'completed');
  store.close();
}

const rejects = (db: Database.Database, sql: string, re: RegExp): void =>
  assert.throws(() => db.exec(sql), (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_TRIGGER' && re.test(e.message), sql);

test('UPDATE and DELETE on review decisions and the audit log are rejected, even on a raw connection', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  populatedCaseFile(tmp.file());
  const raw = new Database(tmp.file());
  t.after(() => raw.close());
  rejects(raw, "UPDATE review_decisions SET label_code = 'M1' WHERE id = 1", /append-only/);
  rejects(raw, 'DELETE FROM review_decisions WHERE id = 3', /append-only/);
  rejects(raw, 'DELETE FROM review_decisions', /append-only/);
  rejects(raw, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 3", /append-only/);
  rejects(raw, 'DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)', /append-only/);
  // An audit row that does not extend the chain is rejected too.
  rejects(raw, "INSERT INTO audit_log (seq, at, actor, action, entity, payload, prev_hash, hash) VALUES (999, 'now', 'x', 'y', 'z', '{}', 'bad', 'bad')", /extend the chain/);
  assert.equal(raw.prepare('SELECT count(*) FROM review_decisions').pluck().get(), 4);
  assert.equal(raw.prepare("SELECT label_code FROM review_decisions WHERE id = 1").pluck().get(), 'L2');
});

test('cells, finished runs, done regions and slide identity cannot change; nothing can be deleted', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  populatedCaseFile(tmp.file());
  const raw = new Database(tmp.file());
  t.after(() => raw.close());
  rejects(raw, "UPDATE cells SET predicted_code = 'M1' WHERE id = 1", /cannot change/);
  rejects(raw, 'DELETE FROM cells WHERE id = 1', /cannot be deleted/);
  rejects(raw, "UPDATE analysis_runs SET status = 'failed'", /cannot change/);
  rejects(raw, 'DELETE FROM analysis_runs', /cannot be deleted/);
  rejects(raw, "UPDATE regions SET quality = '{}'", /cannot change/);
  rejects(raw, 'DELETE FROM regions', /cannot be deleted/);
  rejects(raw, 'UPDATE slides SET width = 5', /only a slide's path/);
  rejects(raw, 'DELETE FROM slides', /cannot be deleted/);
});

test('undo and redo must target the right kind of decision on the same cell, and only once', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  populatedCaseFile(tmp.file()); // decisions: 1,2 reclassify (cells 1,2); 3,4 undo of 1,2
  const raw = new Database(tmp.file());
  t.after(() => raw.close());
  const ins = (action: string, cell: number, label: string | null, undoOf: number | null): void => {
    raw.prepare("INSERT INTO review_decisions (batch_id, cell_id, action, label_code, reviewer, decided_at, undo_of) VALUES (9, ?, ?, ?, 'x', 'now', ?)").run(cell, action, label, undoOf);
  };
  assert.throws(() => ins('undo', 2, null, 1), /same cell/); // decision 1 is on cell 1
  assert.throws(() => ins('undo', 1, null, 3), /same cell/); // cannot undo an undo (that is redo)
  assert.throws(() => ins('redo', 1, 'M1', 3), /restore its label/); // decision 3 undid an L2 decision
  assert.throws(() => ins('undo', 1, null, 1), /UNIQUE/); // decision 1 is already undone
  assert.throws(() => ins('reclassify', 1, null, null), /CHECK/);
  assert.throws(() => ins('defer', 1, 'M1', null), /CHECK/);
  assert.throws(() => ins('reclassify', 1, 'DEFER', null), /CHECK/);
  ins('redo', 1, 'L2', 3); // the legal one
  assert.throws(() => ins('redo', 1, 'L2', 3), /UNIQUE/);
});
