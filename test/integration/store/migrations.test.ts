import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CASE_FILE_APPLICATION_ID, LATEST_SCHEMA_VERSION, MIGRATIONS, openCaseStore } from '../../../electron/core/store/index.js';
import { migrate, migrationChecksum } from '../../../electron/core/store/migrate.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { gridCells, squareRegion, startRun, tempDir } from './storeFixtures.js';

const coded = (code: string, re?: RegExp) => (e: unknown) => e instanceof AppError && e.code === code && (re === undefined || re.test(e.message));

// Each released migration's SQL is frozen: a changed checksum means someone edited a released migration.
// Pin a migration here when it is released; only the newest one may stay unpinned while it is being written.
const RELEASED_CHECKSUMS: Record<number, string> = {
  1: '3e42e1a0fc304244f625be1f277ae979beff4ec63cc951d72d379f645383c907',
  2: 'fdcd39fbeda278c32a09e360aee8535a09aa86058cfcd6f7d89869d91f5d9fc7',
  3: '067acc9119c2e954ef9b85ebccc2343eb6375b27dbd754652173207729aa5169',
};

test('released migrations never change (checksums pinned) and are numbered 1..n', (t) => {
  MIGRATIONS.forEach((m, i) => assert.equal(m.version, i + 1, `migration ${m.name} is number ${i + 1}`));
  for (const m of MIGRATIONS) {
    const pinned = RELEASED_CHECKSUMS[m.version];
    if (pinned === undefined) {
      assert.equal(m.version, LATEST_SCHEMA_VERSION, `migration ${m.version} (${m.name}) is not the newest, so it is released: pin its checksum ${migrationChecksum(m)}`);
      t.diagnostic(`migration ${m.version} (${m.name}) is not pinned yet (checksum ${migrationChecksum(m)}); pin it on release`);
      continue;
    }
    assert.equal(migrationChecksum(m), pinned, `migration ${m.version} (${m.name}) was edited after release; add a new migration instead`);
  }
});

test('a new case file is created at the latest version with WAL, foreign keys, NORMAL sync and a busy timeout', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const store = openCaseStore(tmp.file());
  try {
    const db = store.connection;
    assert.equal(store.schemaVersion(), LATEST_SCHEMA_VERSION);
    assert.equal(db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
    assert.equal(db.pragma('application_id', { simple: true }), CASE_FILE_APPLICATION_ID);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('synchronous', { simple: true }), 1); // NORMAL
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all();
    assert.deepEqual(applied, MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: migrationChecksum(m) })));
    assert.deepEqual(store.integrityCheck(), ['ok']);
    assert.deepEqual(store.audit.list().map((e) => [e.action, (e.payload as { version: number }).version]), MIGRATIONS.map((m) => ['store.migrate', m.version]));
  } finally {
    store.close();
  }
  // Re-opening applies nothing more.
  const again = openCaseStore(tmp.file());
  assert.equal(again.audit.list().length, MIGRATIONS.length);
  again.close();
});

test('an empty existing file (0 bytes) is migrated like a new one', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  writeFileSync(tmp.file(), '');
  const store = openCaseStore(tmp.file());
  assert.equal(store.schemaVersion(), LATEST_SCHEMA_VERSION);
  store.close();
});

for (const older of MIGRATIONS.slice(0, -1).map((m) => m.version)) {
  test(`a case file at version ${older} with data migrates to ${LATEST_SCHEMA_VERSION} and keeps its data`, (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    // Build a file at the older version with this build's migration runner, then fill it through the repositories
    // (which only touch tables that exist at every version ≥ 1).
    const db = new Database(tmp.file());
    migrate({ db, actor: 'test', now: () => new Date().toISOString() }, tmp.file(), older);
    assert.equal(db.pragma('user_version', { simple: true }), older);
    db.close();
    const raw = new Database(tmp.file());
    const rtreeBefore = raw.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'cells_rtree'").pluck().get();
    raw.close();
    if (older < 2) assert.equal(rtreeBefore, 0);

    // Fill via a raw connection with SQL valid at this version (what an older build would have written).
    const fill = new Database(tmp.file());
    fill.exec(`
      INSERT INTO slides (id, path, quick_hash, vendor, width, height, mpp_x, mpp_y, calibration_source, objective_power, added_at)
        VALUES (1, '/s.svs', 'q', 'aperio', 1000, 1000, 0.25, 0.25, 'openslide.mpp', 40, '2026-01-01T00:00:00.000Z');
      INSERT INTO analysis_runs (id, slide_id, manifest_hash, member_hashes, class_codes, app_version, parameters, started_at, status)
        VALUES (1, 1, 'm', '{}', '["M1","M6","ER3","L2"]', '0.0.1', '{}', '2026-01-01T00:00:00.000Z', 'running');
      INSERT INTO regions (id, run_id, order_index, geometry, min_x, min_y, max_x, max_y, source)
        VALUES (1, 1, 0, '{"type":"Polygon","coordinates":[[[0,0],[512,0],[512,512],[0,0]]]}', 0, 0, 512, 512, 'automatic');
      INSERT INTO cells (run_id, region_id, local_index, x, y, bbox_x, bbox_y, bbox_w, bbox_h, probabilities, predicted_code)
        VALUES (1, 1, 0, 110, 110, 100, 100, 20, 20, zeroblob(16), 'M1'), (1, 1, 1, 410, 410, 400, 400, 20, 20, zeroblob(16), 'M6');
    `);
    fill.close();

    const store = openCaseStore(tmp.file());
    t.after(() => store.close());
    assert.equal(store.schemaVersion(), LATEST_SCHEMA_VERSION);
    assert.equal(store.cells.countForRun(1), 2);
    // Migration 002 backfilled the spatial index from existing cells...
    assert.deepEqual(store.cells.inViewport(1, { x: 90, y: 90, width: 50, height: 50 }).cells.map((c) => c.localIndex), [0]);
    // ...and new cells land in it too.
    store.regions.addMany(1, [squareRegion(1, 1000, 1000)]);
    store.cells.insertBatch(2, gridCells(3, 1000, 1000));
    assert.equal(store.cells.inViewport(1, { x: 0, y: 0, width: 5000, height: 5000 }).cells.length, 5);
    assert.deepEqual(store.integrityCheck(), ['ok']);
    assert.equal(store.audit.verifyChain().ok, true);
  });
}

test('a case file from a newer Marrowscope is refused with STORE_VERSION_UNSUPPORTED and left unchanged', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  openCaseStore(tmp.file()).close();
  const raw = new Database(tmp.file());
  raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
  raw.close();
  const before = readFileSync(tmp.file());
  assert.throws(() => openCaseStore(tmp.file()), coded('STORE_VERSION_UNSUPPORTED', new RegExp(`version ${LATEST_SCHEMA_VERSION + 5}, newer .* \\(${LATEST_SCHEMA_VERSION}\\)`)));
  assert.deepEqual(readFileSync(tmp.file()), before);
});

test('another application\'s SQLite database and a non-SQLite file are refused with STORE_FAILED', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const other = new Database(tmp.file('other.db'));
  other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
  other.close();
  assert.throws(() => openCaseStore(tmp.file('other.db')), coded('STORE_FAILED', /not a Marrowscope case file/));
  writeFileSync(tmp.file('junk.marrowscope'), Buffer.alloc(8192, 0x5a));
  assert.throws(() => openCaseStore(tmp.file('junk.marrowscope')), coded('STORE_FAILED', /corrupt or not a SQLite database/));
});

test('a missing file with create: false is NOT_FOUND; a read-only store refuses writes with STORE_FAILED', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  assert.throws(() => openCaseStore(tmp.file('missing.marrowscope'), { create: false }), coded('NOT_FOUND'));
  const w = openCaseStore(tmp.file());
  startRun(w);
  w.close();
  const ro = openCaseStore(tmp.file(), { readonly: true });
  t.after(() => ro.close());
  assert.equal(ro.slides.list().length, 1);
  assert.throws(
    () => ro.slides.add({ path: '/b.svs', quickHash: 'b', vendor: 'x', width: 1, height: 1, calibration: { kind: 'uncalibrated' }, objectivePower: null }),
    coded('STORE_FAILED', /read-only/),
  );
});
