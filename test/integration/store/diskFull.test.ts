import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { gridCells, squareRegion, startRun, tempDir } from './storeFixtures.js';

test('a full disk (SQLITE_FULL) is DISK_FULL, the batch is rolled back and the case file stays consistent', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const file = tmp.file();
  const first = openCaseStore(file);
  const { runId } = startRun(first);
  const regionIds = first.regions.addMany(runId, [squareRegion(0, 0, 0), squareRegion(1, 600, 0)]).map((r) => r.id);
  first.cells.insertBatch(regionIds[0]!, gridCells(100, 0, 0, { cropBytes: 2000 }));
  first.checkpoint();
  first.close();
  // max_page_count caps the file just above its current size: SQLite's own way to produce SQLITE_FULL.
  const capped = openCaseStore(file);
  const pages = capped.connection.pragma('page_count', { simple: true }) as number;
  capped.close();
  const store = openCaseStore(file, { maxPageCount: pages + 5 });
  const auditBefore = store.audit.list().length;
  assert.throws(
    () => store.cells.insertBatch(regionIds[1]!, gridCells(1000, 600, 0, { cropBytes: 4000 })),
    (e: unknown) => e instanceof AppError && e.code === 'DISK_FULL' && /store 1000 cells of region .*rolled back/.test(e.message),
  );
  // Nothing of the failed batch, its region marker or its audit entry was kept; the earlier batch is intact.
  assert.equal(store.cells.countForRun(runId), 100);
  assert.equal(store.regions.get(regionIds[1]!).status, 'pending');
  assert.equal(store.audit.list().length, auditBefore);
  assert.deepEqual(store.integrityCheck(), ['ok']);
  assert.equal(store.audit.verifyChain().ok, true);
  // A small change still fits, and the connection keeps working.
  store.review.decide({ cellIds: [1], action: 'reclassify', labelCode: 'L2', reviewer: 'dr.a' });
  store.close();
  // With space again, the same batch goes in.
  const roomy = openCaseStore(file);
  t.after(() => roomy.close());
  assert.equal(roomy.cells.insertBatch(regionIds[1]!, gridCells(1000, 600, 0, { cropBytes: 4000 })).inserted, 1000);
  assert.deepEqual(roomy.integrityCheck(), ['ok']);
  assert.equal(roomy.audit.verifyChain().ok, true);
  assert.equal(roomy.review.currentLabel(1).labelCode, 'L2');
});
