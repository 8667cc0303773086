import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseStore } from '../../../electron/core/store/index.js';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { gridCells, squareRegion, startRun, tempDir, TEST_CLASSES } from './storeFixtures.js';

function fresh(t: { after: (fn: () => void) => void }): { store: CaseStore; runId: number; file: string } {
  const tmp = tempDir();
  const file = tmp.file();
  const store = openCaseStore(file);
  t.after(() => {
    store.close();
    tmp.cleanup();
  });
  return { store, file, ...startRun(store) };
}
const coded = (code: string, re?: RegExp) => (e: unknown) => e instanceof AppError && e.code === code && (re === undefined || re.test(e.message));

test('3,000 cells go in as one transaction: one audit entry, all or nothing, region done with them', (t) => {
  const { store, runId } = fresh(t);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0, 4000)]);
  const cells = gridCells(3000, 0, 0, { cropBytes: 3000, perRow: 60 });
  const started = performance.now();
  const result = store.cells.insertBatch(region!.id, cells);
  const ms = performance.now() - started;
  t.diagnostic(`insertBatch of 3,000 cells with 3 kB crops: ${ms.toFixed(0)} ms`);
  assert.deepEqual(result, { inserted: 3000, skipped: 0, regionDone: true });
  assert.equal(store.cells.countForRun(runId), 3000);
  const inserts = store.audit.list().filter((e) => e.action === 'cells.insert');
  assert.equal(inserts.length, 1);
  assert.deepEqual(inserts[0]?.payload, { runId, inserted: 3000, skipped: 0, firstCellId: 1, lastCellId: 3000, regionDone: true });
  const done = store.regions.get(region!.id);
  assert.equal(done.status, 'done');
  assert.equal(done.cellCount, 3000);
  assert.deepEqual(store.regions.progress(runId), { regions: 1, done: 1, cells: 3000 });
  assert.deepEqual(store.integrityCheck(), ['ok']);
});

test('a batch that fails part-way stores none of its cells (rolled back with the region marker)', (t) => {
  const { store, runId } = fresh(t);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0)]);
  assert.throws(
    () =>
      store.transaction(() => {
        store.cells.insertBatch(region!.id, gridCells(500));
        throw new AppError('ANALYSIS_CANCELLED', 'cancelled after the batch was written');
      }),
    coded('ANALYSIS_CANCELLED'),
  );
  assert.equal(store.cells.countForRun(runId), 0);
  assert.equal(store.regions.get(region!.id).status, 'pending');
});

test('resume never duplicates: a done region stores nothing again; an interrupted partial batch skips existing cells', (t) => {
  const { store, runId } = fresh(t);
  const [a, b] = store.regions.addMany(runId, [squareRegion(0, 0, 0), squareRegion(1, 600, 0)]);
  store.cells.insertBatch(a!.id, gridCells(40));
  assert.deepEqual(store.cells.insertBatch(a!.id, gridCells(40)), { inserted: 0, skipped: 40, regionDone: true });
  // Region b written in two pieces without the done marker, then resent whole (the pipeline restarting the region).
  assert.deepEqual(store.cells.insertBatch(b!.id, gridCells(25, 600), { completesRegion: false }), { inserted: 25, skipped: 0, regionDone: false });
  assert.deepEqual(store.regions.pending(runId).map((r) => r.id), [b!.id]);
  assert.deepEqual(store.cells.insertBatch(b!.id, gridCells(30, 600), { quality: { adequacy: 'adequate', focus: 812.5 } }), { inserted: 5, skipped: 25, regionDone: true });
  assert.equal(store.cells.countForRun(runId), 70);
  assert.equal(store.regions.get(b!.id).cellCount, 30);
  assert.deepEqual(store.regions.get(b!.id).quality, { adequacy: 'adequate', focus: 812.5 });
  assert.deepEqual(store.regions.pending(runId), []);
  const dup = store.connection.prepare('SELECT count(*) FROM (SELECT run_id, region_id, local_index FROM cells GROUP BY 1, 2, 3 HAVING count(*) > 1)').pluck().get();
  assert.equal(dup, 0);
});

test('a stored cell reads back exactly (geometry, outline, measurements, float32 probabilities, crop)', (t) => {
  const { store, runId } = fresh(t);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0)]);
  const [cell] = gridCells(1, 0, 0, { cropBytes: 1234 });
  store.cells.insertBatch(region!.id, [{ ...cell!, probabilities: new Float32Array([0.05, 0.8, 0.1, 0.05]) }]);
  const got = store.cells.get(1);
  assert.deepEqual(got.centroid, cell!.centroid);
  assert.deepEqual(got.bbox, cell!.bbox);
  assert.deepEqual(got.outline, cell!.outline);
  assert.deepEqual(got.measurements, cell!.measurements);
  assert.deepEqual(got.probabilities, new Float32Array([0.05, 0.8, 0.1, 0.05]));
  assert.equal(got.predictedCode, cell!.predictedCode);
  assert.equal(got.labelCode, cell!.predictedCode);
  assert.equal(got.reviewed, false);
  assert.equal(got.hasCrop, true);
  assert.deepEqual(store.cells.crop(1), Buffer.alloc(1234, 0));
  assert.equal(got.regionId, region!.id);
  assert.equal(got.runId, runId);
  assert.throws(() => store.cells.get(2), coded('NOT_FOUND'));
});

test('viewport query returns exactly the cells whose box meets the viewport, with a limit', (t) => {
  const { store, runId } = fresh(t);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0, 2000)]);
  const cells = gridCells(1600, 0, 0, { perRow: 40 }); // 40 × 40 grid, 25 px pitch
  store.cells.insertBatch(region!.id, cells);
  // A second run's cells at the same place must not leak into this run's query.
  const other = store.runs.start({ slideId: 1, manifestHash: 'x', memberHashes: {}, classCodes: [...TEST_CLASSES], appVersion: 't', parameters: {} });
  const [r2] = store.regions.addMany(other.id, [squareRegion(0, 0, 0)]);
  store.cells.insertBatch(r2!.id, gridCells(100, 100, 240));
  const viewport = { x: 110.5, y: 240, width: 300, height: 133 };
  const expected = cells
    .map((c, i) => ({ c, id: i + 1 }))
    .filter(({ c }) => c.bbox.x + c.bbox.width >= viewport.x && c.bbox.x <= viewport.x + viewport.width && c.bbox.y + c.bbox.height >= viewport.y && c.bbox.y <= viewport.y + viewport.height)
    .map(({ id }) => id);
  assert.ok(expected.length > 50);
  const got = store.cells.inViewport(runId, viewport);
  assert.deepEqual(got.cells.map((c) => c.id), expected);
  assert.equal(got.truncated, false);
  const limited = store.cells.inViewport(runId, viewport, { limit: 10 });
  assert.deepEqual(limited.cells.map((c) => c.id), expected.slice(0, 10));
  assert.equal(limited.truncated, true);
  assert.equal(store.cells.inViewport([runId, other.id], viewport).cells.length > expected.length, true);
  assert.deepEqual(store.cells.inViewport(runId, { x: 5000, y: 5000, width: 10, height: 10 }).cells, []);
  assert.throws(() => store.cells.inViewport(runId, viewport, { limit: 0 }), coded('VALIDATION_FAILED', /limit/));
});

test('gallery by current label and the uncertainty queue', (t) => {
  const { store, runId } = fresh(t);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0, 2000)]);
  store.cells.insertBatch(region!.id, gridCells(200));
  const m1 = store.cells.byLabel(runId, 'M1', { limit: 1000 });
  assert.equal(m1.length, 50); // round-robin over 4 classes
  store.review.decide({ cellIds: [2, 3], action: 'reclassify', labelCode: 'M1', reviewer: 'dr.a' });
  assert.equal(store.cells.byLabel(runId, 'M1', { limit: 1000 }).length, 52);
  assert.deepEqual(store.cells.byLabel(runId, 'M1', { limit: 3 }).map((c) => c.id), [1, 2, 3]);
  assert.deepEqual(store.cells.byLabel(runId, 'M1', { limit: 2, offset: 1 }).map((c) => [c.id, c.reviewed]), [[2, true], [3, true]]);
  assert.throws(() => store.cells.byLabel(runId, 'nope'), coded('VALIDATION_FAILED'));

  const queue = store.cells.byUncertainty(runId, { limit: 200 });
  const entropies = queue.map((c) => c.entropy ?? -1);
  assert.deepEqual(entropies, [...entropies].sort((a, b) => b - a));
  assert.equal(queue[0]?.entropy, 96 / 97);
  const margins = store.cells.byUncertainty(runId, { metric: 'margin', limit: 200 }).map((c) => c.margin ?? 2);
  assert.deepEqual(margins, [...margins].sort((a, b) => a - b));
  const unreviewed = store.cells.byUncertainty(runId, { limit: 500, unreviewedOnly: true });
  assert.equal(unreviewed.length, 198);
  assert.ok(unreviewed.every((c) => c.id !== 2 && c.id !== 3));
});

test('cells are checked against their run before anything is written', (t) => {
  const { store, runId } = fresh(t);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0)]);
  const [cell] = gridCells(1);
  assert.throws(() => store.cells.insertBatch(region!.id, [{ ...cell!, probabilities: [0.5, 0.5] }]), coded('VALIDATION_FAILED', /Expected 4 probabilities .* cells\[0\]\.probabilities but received 2/));
  assert.throws(() => store.cells.insertBatch(region!.id, [{ ...cell!, predictedCode: 'B1' }]), coded('VALIDATION_FAILED', /cells\[0\]\.predictedCode/));
  assert.throws(() => store.cells.insertBatch(region!.id, [{ ...cell!, localIndex: -1 }]), coded('VALIDATION_FAILED', /cells\.0\.localIndex.*-1/));
  assert.throws(() => store.cells.insertBatch(region!.id, [{ ...cell!, bbox: { x: 0, y: 0, width: NaN, height: 1 } }]), coded('VALIDATION_FAILED', /cells\.0\.bbox\.width/));
  assert.throws(() => store.cells.insertBatch(999, [cell!]), coded('NOT_FOUND', /region with id 999/));
  store.runs.finish(runId, 'cancelled');
  assert.throws(() => store.regions.addMany(runId, [squareRegion(1, 0, 0)]), coded('VALIDATION_FAILED', /cancelled/));
  assert.throws(() => store.cells.insertBatch(region!.id, [cell!]), coded('VALIDATION_FAILED', /cancelled; cells cannot be added/));
  // The trigger is the last line of defence, for writers that bypass the repository.
  assert.throws(
    () =>
      store.connection
        .prepare("INSERT INTO cells (run_id, region_id, local_index, x, y, bbox_x, bbox_y, bbox_w, bbox_h, probabilities, predicted_code) VALUES (?, ?, 0, 1, 1, 0, 0, 2, 2, zeroblob(16), 'M1')")
        .run(runId, region!.id),
    /pending region of their own running analysis run/,
  );
  assert.equal(store.cells.countForRun(runId), 0);
});

test('cells without uncertainty scores come last in every queue order', (t) => {
  const { store, runId } = fresh(t);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0)]);
  const cells = gridCells(6).map((c, i) => (i < 2 ? { ...c, entropy: null, mutualInformation: null, agreement: null, margin: null } : c));
  store.cells.insertBatch(region!.id, cells);
  for (const metric of ['entropy', 'mutualInformation', 'margin', 'agreement'] as const) {
    const ids = store.cells.byUncertainty(runId, { metric }).map((c) => c.id);
    assert.deepEqual(ids.slice(-2), [1, 2], `${metric}: ${ids.join(',')}`);
  }
  assert.throws(() => store.cells.byUncertainty(runId, { metric: 'bogus' as never }), coded('VALIDATION_FAILED', /metric/));
});
