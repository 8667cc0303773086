import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { squareRegion, startRun, tempDir } from './storeFixtures.js';

const coded = (code: string, re?: RegExp) => (e: unknown) => e instanceof AppError && e.code === code && (re === undefined || re.test(e.message));

test('slides: calibration round-trips, re-adding is idempotent, a moved slide is relocated and audited', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const store = openCaseStore(tmp.file(), { clock: () => new Date('2026-11-27T06:00:00.000Z') });
  t.after(() => store.close());
  const calibrated = store.slides.add({ path: '/a.svs', quickHash: 'qa', vendor: 'aperio', width: 100, height: 50, calibration: { kind: 'calibrated', x: 0.2497, y: 0.2501, source: 'aperio.MPP' }, objectivePower: 40 });
  assert.deepEqual(calibrated, { id: 1, path: '/a.svs', quickHash: 'qa', vendor: 'aperio', width: 100, height: 50, calibration: { kind: 'calibrated', x: 0.2497, y: 0.2501, source: 'aperio.MPP' }, objectivePower: 40, addedAt: '2026-11-27T06:00:00.000Z' });
  const plain = store.slides.add({ path: '/b.tif', quickHash: 'qb', vendor: 'generic-tiff', width: 10, height: 10, calibration: { kind: 'uncalibrated' }, objectivePower: null });
  assert.deepEqual(store.slides.get(plain.id).calibration, { kind: 'uncalibrated' });
  assert.deepEqual(store.slides.add({ ...calibrated, path: '/a.svs' }), calibrated);
  const moved = store.slides.add({ path: '/archive/a.svs', quickHash: 'qa', vendor: 'aperio', width: 100, height: 50, calibration: calibrated.calibration, objectivePower: 40 });
  assert.equal(moved.id, 1);
  assert.equal(store.slides.get(1).path, '/archive/a.svs');
  assert.deepEqual(store.audit.list({ entity: 'slide:1' }).map((e) => e.action), ['slide.add', 'slide.relocate']);
  assert.equal(store.slides.list().length, 2);
  assert.throws(() => store.slides.get(9), coded('NOT_FOUND', /slide with id 9/));
  assert.throws(
    () => store.slides.add({ path: '/c.svs', quickHash: 'qc', vendor: 'x', width: -3, height: 1, calibration: { kind: 'uncalibrated' }, objectivePower: null }),
    coded('VALIDATION_FAILED', /slide\.width.*-3/),
  );
});

test('analysis runs: provenance stored, provider set while running, finished runs are final', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const store = openCaseStore(tmp.file());
  t.after(() => store.close());
  const { slideId, runId } = startRun(store);
  const run = store.runs.get(runId);
  assert.equal(run.status, 'running');
  assert.equal(run.finishedAt, null);
  assert.deepEqual(run.classCodes, ['M1', 'M6', 'ER3', 'L2']);
  assert.deepEqual(run.memberHashes, { 'member-1.onnx': '1'.repeat(64), 'member-2.onnx': '2'.repeat(64) });
  assert.deepEqual(run.parameters, { regionSize: 512, maxCells: 3000 });
  assert.deepEqual(store.runs.unfinished().map((r) => r.id), [runId]);
  assert.equal(store.runs.setProvider(runId, 'cpu').provider, 'cpu');
  assert.throws(() => store.runs.finish(runId, 'failed'), coded('VALIDATION_FAILED', /error/));
  const failed = store.runs.finish(runId, 'failed', { code: 'INFERENCE_FAILED', message: 'session died' });
  assert.deepEqual([failed.status, failed.error], ['failed', { code: 'INFERENCE_FAILED', message: 'session died' }]);
  assert.ok(failed.finishedAt !== null);
  assert.throws(() => store.runs.finish(runId, 'completed'), coded('VALIDATION_FAILED', /is failed/));
  assert.throws(() => store.runs.setProvider(runId, 'cuda'), coded('VALIDATION_FAILED'));
  assert.deepEqual(store.runs.unfinished(), []);
  const second = store.runs.start({ slideId, manifestHash: 'm2', memberHashes: {}, classCodes: ['M1'], appVersion: '0.2', parameters: {} });
  assert.equal(store.runs.latestCompleted(slideId), undefined);
  store.runs.finish(second.id, 'completed');
  assert.equal(store.runs.latestCompleted(slideId)?.id, second.id);
  assert.deepEqual(store.runs.listForSlide(slideId).map((r) => r.status), ['failed', 'completed']);
  assert.throws(
    () => store.runs.start({ slideId, manifestHash: 'm', memberHashes: {}, classCodes: ['M1', 'IG'], appVersion: '0.2', parameters: {} }),
    coded('VALIDATION_FAILED', /analysisRun\.classCodes\.1/),
  );
  assert.throws(() => store.runs.start({ slideId: 99, manifestHash: 'm', memberHashes: {}, classCodes: ['M1'], appVersion: '0.2', parameters: {} }), coded('STORE_FAILED', /FOREIGNKEY/));
});

test('regions: planned in order, bounds derived, quality while pending, pending list for resume', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const store = openCaseStore(tmp.file());
  t.after(() => store.close());
  const { runId } = startRun(store);
  const planned = store.regions.addMany(runId, [squareRegion(1, 512, 0), squareRegion(0, 0, 0), { ...squareRegion(2, 100, 200, 50), source: 'manual' }]);
  assert.deepEqual(planned.map((r) => r.orderIndex), [1, 0, 2]);
  assert.deepEqual(store.regions.list(runId).map((r) => r.orderIndex), [0, 1, 2]);
  assert.deepEqual(store.regions.get(planned[2]!.id).bounds, { x: 100, y: 200, width: 50, height: 50 });
  assert.equal(store.regions.get(planned[2]!.id).source, 'manual');
  store.regions.setQuality(planned[0]!.id, { adequacy: 'blood', laplacianVariance: 12.5 });
  store.cells.insertBatch(planned[0]!.id, []); // an inadequate region is done with no cells
  assert.deepEqual(store.regions.pending(runId).map((r) => r.orderIndex), [0, 2]);
  assert.throws(() => store.regions.setQuality(planned[0]!.id, {}), coded('VALIDATION_FAILED', /done/));
  assert.throws(() => store.regions.addMany(runId, [squareRegion(0, 0, 0)]), coded('STORE_FAILED', /UNIQUE/));
  assert.throws(() => store.regions.addMany(runId, [squareRegion(5, 0, 0), squareRegion(5, 9, 9)]), coded('VALIDATION_FAILED', /5 twice/));
  assert.deepEqual(store.regions.progress(runId), { regions: 3, done: 1, cells: 0 });
});
