import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiEvents } from '../../../electron/core/api/ApiEvents.js';
import { createApiHandlers, callHandler, type ApiDeps } from '../../../electron/core/api/createApiHandlers.js';
import { createPixelServer } from '../../../electron/core/api/createPixelServer.js';
import { SlideSession } from '../../../electron/core/api/SlideSession.js';
import type { AnalysisPort } from '../../../electron/core/api/ports.js';
import { FakeCaseStore } from './fakeCaseStore.js';
import { fakeSlides } from './fakeSlides.js';

function setup(overrides: Partial<ApiDeps> = {}) {
  const store = new FakeCaseStore([
    { cellId: 'c1', runId: 'r1', x: 10, y: 10, predictedCode: 'M1', uncertainty: 0.9 },
    { cellId: 'c2', runId: 'r1', x: 20, y: 10, predictedCode: 'M6', uncertainty: 0.1 },
    { cellId: 'c3', runId: 'r1', x: 30, y: 500, predictedCode: 'ER3', uncertainty: 0.5 },
    { cellId: 'c4', runId: 'r1', x: 40, y: 600, predictedCode: 'L2', uncertainty: 0.3 },
  ]);
  const slides = fakeSlides();
  const session = new SlideSession();
  const deps: ApiDeps = {
    slides,
    store,
    signoff: null,
    analysis: null,
    proposer: null,
    events: new ApiEvents(),
    session,
    reviewer: 'dr-test',
    host: 'browser',
    version: '0.0.0',
    browseRoots: [],
    ...overrides,
  };
  return { api: createApiHandlers(deps), store, slides, session, deps };
}

test('a bad payload fails VALIDATION_FAILED naming the exact field and value', async () => {
  const { api } = setup();
  const r = await api.reclassify({ runId: 'r1', cellIds: ['c1', 'bad id!'], code: 'M1' });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.error.code === 'VALIDATION_FAILED');
  assert.match(!r.ok ? r.error.message : '', /reclassify\.cellIds\.1 but received "bad id!"/);
  const r2 = await api.reclassify({ runId: 'r1', cellIds: ['c1'], code: 'NOPE' });
  assert.match(!r2.ok ? r2.error.message : '', /reclassify\.code but received "NOPE"/);
  const r3 = await api.listCells({ runId: 'r1', limit: -3 });
  assert.match(!r3.ok ? r3.error.message : '', /listCells\.limit but received -3/);
  const r4 = await api.openSlide({ path: '/x.svs', extra: 1 });
  assert.equal(!r4.ok && r4.error.code, 'VALIDATION_FAILED');
});

test('unknown request names are NOT_FOUND, never a crash', async () => {
  const { api } = setup();
  const r = await callHandler(api, '__proto__', {});
  assert.equal(!r.ok && r.error.code, 'NOT_FOUND');
  const r2 = await callHandler(api, 'deleteEverything', {});
  assert.equal(!r2.ok && r2.error.code, 'NOT_FOUND');
});

test('openSlide assigns an opaque id (never the path), records the slide, and the same path keeps its id', async () => {
  const { api, store } = setup();
  const a = await api.openSlide({ path: '/data/a.svs' });
  assert.ok(a.ok);
  assert.doesNotMatch(a.value.slideId, /\//);
  assert.equal(a.value.storedSlideId, '1');
  assert.equal(a.value.tileSource.tileUrlTemplate, `/tiles/${a.value.slideId}/{level}/{col}_{row}.jpeg`);
  assert.equal(a.value.tileSource.maxLevel, 12);
  assert.deepEqual(a.value.mpp, { x: 0.25, y: 0.25 });
  const again = await api.openSlide({ path: '/data/a.svs' });
  assert.ok(again.ok && again.value.slideId === a.value.slideId);
  assert.equal(store.slides.length, 1);
  const missing = await api.openSlide({ path: '/data/missing.svs' });
  assert.equal(!missing.ok && missing.error.code, 'SLIDE_NOT_FOUND');
});

test('pixels are served only for slides opened in this session', async () => {
  const { api, slides, session, store } = setup();
  const pixels = createPixelServer({ slides, store, session });
  const none = await pixels({ kind: 'tile', slideId: 'never-issued', level: 1, col: 0, row: 0 });
  assert.equal(!none.ok && none.error.code, 'NOT_FOUND');
  assert.equal(slides.tiles.length, 0);
  const opened = await api.openSlide({ path: '/data/a.svs' });
  assert.ok(opened.ok);
  const tile = await pixels({ kind: 'tile', slideId: opened.value.slideId, level: 12, col: 1, row: 2 });
  assert.ok(tile.ok);
  assert.deepEqual(slides.tiles, ['/data/a.svs:12/1_2']);
  await api.closeSlide({ slideId: opened.value.slideId });
  const after = await pixels({ kind: 'tile', slideId: opened.value.slideId, level: 12, col: 1, row: 2 });
  assert.equal(!after.ok && after.error.code, 'NOT_FOUND');
  const crop = await pixels({ kind: 'crop', cellId: 'c1' });
  assert.ok(crop.ok && crop.value.contentType === 'image/jpeg');
});

test('reclassify records one step as the host reviewer; undo and redo change the differential both ways', async () => {
  const { api, store } = setup();
  const before = await api.getDifferential({ runId: 'r1' });
  assert.ok(before.ok);
  const blasts = (v: Awaited<ReturnType<typeof api.getDifferential>>) => (v.ok ? v.value.differential.rows.find((r) => r.category === 'blasts')!.count : -1);
  assert.equal(blasts(before), 1);
  const r = await api.reclassify({ runId: 'r1', cellIds: ['c2', 'c4'], code: 'M1' });
  assert.ok(r.ok);
  assert.deepEqual(r.value.changed.map((c) => [c.cellId, c.currentCode, c.cropUrl]), [
    ['c2', 'M1', '/crops/c2.jpeg'],
    ['c4', 'M1', '/crops/c4.jpeg'],
  ]);
  assert.equal(r.value.canUndo, true);
  assert.deepEqual(store.reviewers, ['dr-test']);
  assert.equal(blasts(await api.getDifferential({ runId: 'r1' })), 3);
  assert.equal(r.value.differential, null, 'no differential unless asked');
  assert.equal(r.value.detail, null, 'no detail unless asked');
  const withDiff = await api.confirm({ runId: 'r1', cellIds: ['c1'], differential: { meConvention: 'without-monocytes' } });
  assert.ok(withDiff.ok && withDiff.value.differential);
  assert.equal(withDiff.value.differential.differential.meRatio.convention, 'without-monocytes');
  assert.equal(withDiff.value.differential.reviewedCount, 3);
  await api.undo({ runId: 'r1' });
  const u = await api.undo({ runId: 'r1' });
  assert.ok(u.ok && u.value.canRedo);
  assert.equal(blasts(await api.getDifferential({ runId: 'r1' })), 1);
  await api.redo({ runId: 'r1' });
  assert.equal(blasts(await api.getDifferential({ runId: 'r1' })), 3);
  assert.equal(store.decisions.length, 3, 'undo/redo never remove decisions');
});

test('a write asked for the next cell\'s detail returns it as stored after the write; an unreadable one does not fail the write', async () => {
  const { api } = setup();
  const withDetail = await api.reclassify({ runId: 'r1', cellIds: ['c3'], code: 'M1', detailOf: 'c3' });
  assert.ok(withDetail.ok && withDetail.value.detail);
  assert.equal(withDetail.value.detail.cellId, 'c3');
  assert.equal(withDetail.value.detail.currentCode, 'M1');
  assert.equal(withDetail.value.detail.cropUrl, '/crops/c3.jpeg');
  const unknown = await api.confirm({ runId: 'r1', cellIds: ['c3'], detailOf: 'c999' });
  assert.ok(unknown.ok && unknown.value.detail === null && unknown.value.changed[0]!.reviewed);
  const bad = await api.defer({ runId: 'r1', cellIds: ['c4'], detailOf: 'not an id!' });
  assert.match(!bad.ok ? bad.error.message : '', /defer\.detailOf/);
});

test('confirm keeps the current label, defer labels DEFER (excluded from the NDC)', async () => {
  const { api } = setup();
  const c = await api.confirm({ runId: 'r1', cellIds: ['c3'] });
  assert.ok(c.ok && c.value.changed[0]!.currentCode === 'ER3' && c.value.changed[0]!.reviewed);
  const d = await api.defer({ runId: 'r1', cellIds: ['c4'] });
  assert.ok(d.ok && d.value.changed[0]!.currentCode === 'DEFER');
  const diff = await api.getDifferential({ runId: 'r1', meConvention: 'without-monocytes' });
  assert.ok(diff.ok);
  assert.equal(diff.value.differential.ndcTotal, 3);
  assert.equal(diff.value.differential.deferred, 1);
  assert.equal(diff.value.differential.meRatio.convention, 'without-monocytes');
  assert.equal(diff.value.reviewedCount, 2);
});

test('listCells applies defaults (uncertain first) and adds crop URLs', async () => {
  const { api } = setup();
  const page = await api.listCells({ runId: 'r1' });
  assert.ok(page.ok);
  assert.deepEqual(page.value.cells.map((c) => c.cellId), ['c1', 'c3', 'c4', 'c2']);
  const viewport = await api.listCells({ runId: 'r1', bounds: { x: 0, y: 0, width: 100, height: 100 }, order: 'position' });
  assert.ok(viewport.ok);
  assert.deepEqual(viewport.value.cells.map((c) => c.cellId), ['c1', 'c2']);
});

test('without a store, review calls fail STORE_FAILED with a clear message, and the worklist is empty', async () => {
  const { api } = setup({ store: null });
  const r = await api.reclassify({ runId: 'r1', cellIds: ['c1'], code: 'M2' });
  assert.equal(!r.ok && r.error.code, 'STORE_FAILED');
  const cases = await api.listCases({});
  assert.ok(cases.ok && cases.value.length === 0);
});

test('startAnalysis refuses uncalibrated slides, regions outside the slide, and a missing pipeline', async () => {
  const started: unknown[] = [];
  const analysis: AnalysisPort = {
    start: async (req) => {
      started.push(req);
      return { runId: 'r9', state: 'running', progress: { regionsDone: 0, regionsTotal: 1, cellsFound: 0, cellsClassified: 0, etaSeconds: null }, error: null, startedAt: 'now', finishedAt: null };
    },
    cancel: async () => {
      throw new Error('unused');
    },
    status: () => {
      throw new Error('unused');
    },
  };
  const { api } = setup({ analysis });
  const plain = await api.openSlide({ path: '/data/plain.tiff' });
  assert.ok(plain.ok);
  const r1 = await api.startAnalysis({ slideId: plain.value.slideId, regions: [{ source: 'manual', rect: { x: 0, y: 0, width: 512, height: 512 } }] });
  assert.equal(!r1.ok && r1.error.code, 'CALIBRATION_MISSING');
  const good = await api.openSlide({ path: '/data/a.svs' });
  assert.ok(good.ok);
  const r2 = await api.startAnalysis({ slideId: good.value.slideId, regions: [{ source: 'manual', rect: { x: 3800, y: 0, width: 512, height: 512 } }] });
  assert.equal(!r2.ok && r2.error.code, 'VALIDATION_FAILED');
  assert.match(!r2.ok ? r2.error.message : '', /startAnalysis\.regions\.0\.rect inside the slide/);
  const r3 = await api.startAnalysis({ slideId: good.value.slideId, regions: [{ source: 'proposed', score: 0.8, rect: { x: 0, y: 0, width: 512, height: 512 } }] });
  assert.ok(r3.ok && r3.value.runId === 'r9');
  assert.equal(started.length, 1);
  const { api: noPipeline } = setup();
  const s = await noPipeline.openSlide({ path: '/data/a.svs' });
  assert.ok(s.ok);
  const r4 = await noPipeline.startAnalysis({ slideId: s.value.slideId, regions: [{ source: 'manual', rect: { x: 0, y: 0, width: 10, height: 10 } }] });
  assert.equal(!r4.ok && r4.error.code, 'ANALYSIS_FAILED');
});

test('the taxonomy gives every class one distinct hotkey', async () => {
  const { api } = setup();
  const t = await api.getTaxonomy({});
  assert.ok(t.ok);
  const keys = t.value.classes.map((c) => c.hotkey);
  assert.ok(keys.every((k) => typeof k === 'string' && k.length === 1));
  assert.equal(new Set(keys).size, keys.length);
  for (const reserved of ['c', 'z', '/', '?']) assert.ok(!keys.includes(reserved), `${reserved} is kept for actions`);
});
