import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaseStore, type CaseStore } from '../../../electron/core/store/index.js';
import { noSlides, seedCaseFile as seed } from '../../helpers/seedCaseFile.js';
import { caseStorePortFrom } from '../../../electron/core/api/caseStorePortFrom.js';
import { createApiHandlers, type ApiHandlers } from '../../../electron/core/api/createApiHandlers.js';
import { ApiEvents } from '../../../electron/core/api/ApiEvents.js';
import { SlideSession } from '../../../electron/core/api/SlideSession.js';
import { createPixelServer } from '../../../electron/core/api/createPixelServer.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

function handlersFor(store: CaseStore): ApiHandlers {
  return createApiHandlers({
    slides: noSlides,
    store: caseStorePortFrom(store),
    signoff: null,
    analysis: null,
    proposer: null,
    events: new ApiEvents(),
    session: new SlideSession(),
    reviewer: 'dr-e',
    host: 'browser',
    version: '0.1.0',
    browseRoots: [],
  });
}

test('the API over a real case file: listing, filters, decisions, undo/redo, differential, crops, and persistence after reopening', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-api-store-'));
  try {
    const path = join(dir, 'case.marrowscope');
    const { store, runId } = await seed(path);
    const api = handlersFor(store);
    const run = String(runId);

    const all = await api.listCells({ runId: run, limit: 100 });
    assert.ok(all.ok);
    assert.equal(all.value.total, 40);
    assert.deepEqual(all.value.countsByCode, { M1: 10, M6: 10, ER3: 10, L2: 10 });
    const u = all.value.cells.map((c) => c.uncertainty);
    assert.ok(u.every((x, i) => i === 0 || u[i - 1]! >= x), 'most uncertain first');
    assert.ok(Math.abs(u[0]! - 39 / 40) < 1e-9, 'entropy normalised by ln(classes)');

    const blasts = await api.listCells({ runId: run, filters: { codes: ['M1'], uncertainty: { min: 0.5 } } });
    assert.ok(blasts.ok);
    assert.ok(blasts.value.cells.every((c) => c.currentCode === 'M1' && c.uncertainty >= 0.5));
    assert.equal(blasts.value.total, 5);

    const view = await api.listCells({ runId: run, bounds: { x: 0, y: 0, width: 500, height: 3000 }, order: 'position' });
    assert.ok(view.ok);
    assert.ok(view.value.cells.length > 0 && view.value.cells.every((c) => c.x < 500));

    const target = all.value.cells.find((c) => c.predictedCode === 'M6')!;
    const second = all.value.cells.find((c) => c.predictedCode === 'L2')!;
    const r1 = await api.reclassify({ runId: run, cellIds: [target.cellId], code: 'M1' });
    assert.ok(r1.ok && r1.value.changed[0]!.currentCode === 'M1' && r1.value.changed[0]!.reviewed && r1.value.canUndo);
    const r2 = await api.confirm({ runId: run, cellIds: [second.cellId] });
    assert.ok(r2.ok && r2.value.changed[0]!.lastAction === 'confirm');
    let d = await api.getDifferential({ runId: run });
    assert.ok(d.ok);
    assert.equal(d.value.differential.rows.find((r) => r.category === 'blasts')!.count, 11);
    assert.equal(d.value.reviewedCount, 2);

    const undone = await api.undo({ runId: run });
    assert.ok(undone.ok && undone.value.changed[0]!.cellId === second.cellId && undone.value.canRedo);
    const redone = await api.redo({ runId: run });
    assert.ok(redone.ok && redone.value.changed[0]!.reviewed);
    const wrongRun = await api.reclassify({ runId: '999', cellIds: [target.cellId], code: 'L2' });
    assert.equal(!wrongRun.ok && wrongRun.error.code, 'NOT_FOUND');

    const detail = await api.getCell({ cellId: target.cellId });
    assert.ok(detail.ok);
    assert.equal(detail.value.probabilities[0]!.code, 'M6');
    assert.ok(Math.abs(detail.value.probability - 0.7) < 1e-6);
    assert.deepEqual(detail.value.history.map((h) => [h.action, h.code, h.reviewer]), [['reclassify', 'M1', 'dr-e']]);

    const pixels = createPixelServer({ slides: noSlides, store: caseStorePortFrom(store), session: new SlideSession() });
    const crop = await pixels({ kind: 'crop', cellId: target.cellId });
    assert.ok(crop.ok && crop.value.data[0] === 0xff && crop.value.data[1] === 0xd8);
    const missing = await pixels({ kind: 'crop', cellId: '4040' });
    assert.equal(!missing.ok && missing.error.code, 'NOT_FOUND');

    const cases = await api.listCases({});
    assert.ok(cases.ok);
    assert.deepEqual(cases.value[0]!.slides[0]!.runs.map((r) => [r.runId, r.state, r.cellCount, r.reviewedCount]), [[run, 'completed', 40, 2]]);
    store.close();

    // A new host on the same file sees every decision (nothing lived only in memory).
    const reopened = openCaseStore(path);
    try {
      const api2 = handlersFor(reopened);
      d = await api2.getDifferential({ runId: run });
      assert.ok(d.ok);
      assert.equal(d.value.differential.rows.find((r) => r.category === 'blasts')!.count, 11);
      assert.equal(d.value.reviewedCount, 2);
      assert.equal(d.value.canUndo, true, 'the undo stack is derived from the stored decisions');
    } finally {
      reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the label counts behind each keystroke equal the store\'s SQL count through random decisions, undo and redo', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-api-counts-'));
  try {
    const { store, runId } = await seed(join(dir, 'case.marrowscope'));
    const port = caseStorePortFrom(store);
    const run = String(runId);
    const ids = port.listCells({ runId: run, filters: {}, bounds: null, order: 'uncertain-first', limit: 100, offset: 0 }).cells.map((c) => c.cellId);
    assert.equal(ids.length, 40);
    let seed0 = 777;
    const rand = (n: number) => ((seed0 = (seed0 * 1103515245 + 12345) % 2147483648) % n);
    const codes = ['M1', 'M6', 'ER3', 'L2', 'M4'];
    for (let step = 0; step < 150; step++) {
      const reviewer = ['dr-a', 'dr-b'][rand(2)]!;
      const pick = Array.from({ length: 1 + rand(3) }, () => ids[rand(ids.length)]!);
      try {
        switch (rand(5)) {
          case 0:
          case 1:
            port.recordDecisions(run, pick, 'reclassify', codes[rand(codes.length)]!, reviewer);
            break;
          case 2:
            if (rand(2)) port.recordDecisions(run, pick, 'confirm', null, reviewer);
            else port.recordDecisions(run, pick, 'defer', 'DEFER', reviewer);
            break;
          case 3:
            port.undo(run, reviewer);
            break;
          default:
            port.redo(run, reviewer);
        }
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'VALIDATION_FAILED')) throw e; // e.g. confirming a deferred cell
      }
      const fromPort = port.labelCounts(run, reviewer);
      assert.deepEqual(Object.fromEntries(fromPort.counts), store.cells.currentLabelCounts(runId), `step ${step}`);
      assert.equal(fromPort.reviewedCount, store.cells.reviewedCountForRun(runId), `step ${step}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
