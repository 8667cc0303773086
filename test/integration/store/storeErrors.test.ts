import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, writeSync, closeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { gridCells, squareRegion, startRun, tempDir } from './storeFixtures.js';

const coded = (code: string, re?: RegExp) => (e: unknown) => e instanceof AppError && e.code === code && (re === undefined || re.test(e.message));

test('a case file corrupted on disk gives STORE_FAILED (corrupt) and a failing integrity check, never wrong data', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const file = tmp.file();
  const store = openCaseStore(file);
  const { runId } = startRun(store);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0, 2000)]);
  store.cells.insertBatch(region!.id, gridCells(2000, 0, 0, { cropBytes: 500, perRow: 60 }));
  store.close(); // checkpoints: everything is in the main file
  const raw = new Database(file, { readonly: true });
  const pageSize = raw.pragma('page_size', { simple: true }) as number;
  const pages = raw.prepare("SELECT pageno FROM dbstat WHERE name = 'cells'").pluck().all() as number[];
  raw.close();
  assert.ok(pages.length > 10);
  // Overwrite every page of the cells table (not its indexes) with garbage, as a failing disk might.
  const fd = openSync(file, 'r+');
  for (const page of pages) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);

  const damaged = openCaseStore(file); // the header and schema pages are intact, so it opens
  t.after(() => damaged.close());
  assert.throws(() => damaged.cells.get(1), coded('STORE_FAILED', /corrupt/));
  assert.throws(() => damaged.cells.byLabel(runId, 'M1'), coded('STORE_FAILED', /corrupt/));
  assert.throws(() => damaged.cells.inViewport(runId, { x: 0, y: 0, width: 100, height: 100 }), coded('STORE_FAILED', /corrupt/));
  let problems: string[];
  try {
    problems = damaged.integrityCheck();
  } catch (e) {
    assert.ok(coded('STORE_FAILED', /corrupt/)(e), String(e));
    problems = ['threw STORE_FAILED'];
  }
  assert.notDeepEqual(problems, ['ok']);
});

test('a write blocked by another connection beyond busy_timeout is STORE_FAILED (locked), and nothing is half-written', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const a = openCaseStore(tmp.file());
  t.after(() => a.close());
  const { runId } = startRun(a);
  const b = openCaseStore(tmp.file(), { busyTimeoutMs: 50 });
  t.after(() => b.close());
  a.transaction(() => {
    a.regions.addMany(runId, [squareRegion(0, 0, 0)]); // A holds the write lock...
    const started = Date.now();
    assert.throws(() => b.regions.addMany(runId, [squareRegion(1, 600, 0)]), coded('STORE_FAILED', /locked by another process/)); // ...B waits, then gives up
    assert.ok(Date.now() - started >= 40, 'B waited for the busy timeout');
  });
  assert.deepEqual(b.regions.list(runId).map((r) => r.orderIndex), [0]);
  assert.equal(b.audit.verifyChain().ok, true);
});
