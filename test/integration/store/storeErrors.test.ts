import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, writeSync, closeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { decodeProbabilities, encodeProbabilities } from '../../../electron/core/store/probabilityBlob.js';
import { toStoreError } from '../../../electron/core/store/storeErrors.js';
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

test('a case file in a missing folder, or a folder given as the file, is STORE_FAILED', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  assert.throws(() => openCaseStore(tmp.file('no/such/folder/case.marrowscope')), coded('STORE_FAILED', /folder does not exist/));
  assert.throws(() => openCaseStore(tmp.dir), coded('STORE_FAILED', /cannot be opened/));
});

test('SQLite failures map to coded errors; AppErrors pass through; other throwables are left alone', () => {
  const sqlite = (code: string): Error => Object.assign(new Error(`sqlite says ${code}`), { code });
  const full = toStoreError(sqlite('SQLITE_FULL'), 'store cells');
  assert.ok(full instanceof AppError && full.code === 'DISK_FULL' && /Could not store cells: the disk is full/.test(full.message));
  for (const [code, words] of [
    ['SQLITE_READONLY', /read-only/],
    ['SQLITE_READONLY_DBMOVED', /read-only/],
    ['SQLITE_BUSY', /locked/],
    ['SQLITE_CORRUPT', /corrupt/],
    ['SQLITE_NOTADB', /corrupt or not a SQLite database/],
    ['SQLITE_IOERR_WRITE', /disk read or write failed/],
    ['SQLITE_CONSTRAINT_TRIGGER', /breaks a rule/],
  ] as const) {
    const e = toStoreError(sqlite(code), 'do it');
    assert.ok(e instanceof AppError && e.code === 'STORE_FAILED' && words.test(e.message) && e.message.includes(code), `${code}: ${String(e)}`);
  }
  const app = new AppError('NOT_FOUND', 'x');
  assert.equal(toStoreError(app, 'y'), app);
  const bug = new TypeError('bug');
  assert.equal(toStoreError(bug, 'y'), bug);
});

test('probability BLOBs are little-endian float32 in class order', () => {
  const blob = encodeProbabilities([1, 0.5, 0]);
  assert.deepEqual([...blob], [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x3f, 0, 0, 0, 0]);
  assert.deepEqual(decodeProbabilities(blob), new Float32Array([1, 0.5, 0]));
  // A view into a larger buffer at an odd offset decodes too (SQLite hands back such Buffers).
  const shifted = Buffer.concat([Buffer.from([9]), blob]).subarray(1);
  assert.deepEqual(decodeProbabilities(shifted), new Float32Array([1, 0.5, 0]));
});
