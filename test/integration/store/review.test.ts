import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseStore } from '../../../electron/core/store/index.js';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { computeDifferential } from '../../../electron/shared/domain/differential/index.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { gridCells, squareRegion, startRun, tempDir } from './storeFixtures.js';

/** A store with 8 cells predicted M1, M6, ER3, L2, M1, M6, ER3, L2 (ids 1–8). */
function withCells(t: { after: (fn: () => void) => void }): { store: CaseStore; runId: number } {
  const tmp = tempDir();
  const store = openCaseStore(tmp.file());
  t.after(() => {
    store.close();
    tmp.cleanup();
  });
  const { runId } = startRun(store);
  const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0)]);
  store.cells.insertBatch(region!.id, gridCells(8));
  return { store, runId };
}
const label = (store: CaseStore, id: number): string => store.review.currentLabel(id).labelCode;
const coded = (code: string, re?: RegExp) => (e: unknown) => e instanceof AppError && e.code === code && (re === undefined || re.test(e.message));

test('the current label is the prediction until a decision, then the latest decision', (t) => {
  const { store } = withCells(t);
  assert.deepEqual(store.review.currentLabel(1), { cellId: 1, labelCode: 'M1', source: 'prediction', predictedCode: 'M1', decisionId: null, reviewer: null });
  store.review.decide({ cellIds: [1], action: 'reclassify', labelCode: 'L2', reviewer: 'dr.a' });
  store.review.decide({ cellIds: [1], action: 'reclassify', labelCode: 'ER3', reviewer: 'dr.b' });
  const cur = store.review.currentLabel(1);
  assert.equal(cur.labelCode, 'ER3');
  assert.equal(cur.source, 'review');
  assert.equal(cur.reviewer, 'dr.b');
  assert.equal(store.cells.get(1).predictedCode, 'M1'); // the prediction is never overwritten
  assert.deepEqual(store.review.history(1).map((d) => [d.action, d.labelCode, d.reviewer]), [
    ['reclassify', 'L2', 'dr.a'],
    ['reclassify', 'ER3', 'dr.b'],
  ]);
});

test('undo and redo append decisions and walk the reviewer\'s gestures like an editor', (t) => {
  const { store } = withCells(t);
  const r = 'dr.a';
  store.review.decide({ cellIds: [1, 2, 3], action: 'reclassify', labelCode: 'L2', reviewer: r }); // gesture A
  store.review.decide({ cellIds: [2], action: 'reclassify', labelCode: 'M1', reviewer: r }); // gesture B
  assert.deepEqual([1, 2, 3].map((id) => label(store, id)), ['L2', 'M1', 'L2']);
  assert.equal(store.review.undo(r)?.cellIds.join(), '2'); // undoes B
  assert.deepEqual([1, 2, 3].map((id) => label(store, id)), ['L2', 'L2', 'L2']);
  assert.deepEqual(store.review.undo(r)?.cellIds, [1, 2, 3]); // undoes A
  assert.deepEqual([1, 2, 3].map((id) => label(store, id)), ['M1', 'M6', 'ER3']); // back to predictions
  assert.equal(store.review.undo(r), null); // nothing left
  assert.deepEqual(store.review.undoState(r), { canUndo: false, canRedo: true });
  store.review.redo(r); // redoes A
  assert.deepEqual([1, 2, 3].map((id) => label(store, id)), ['L2', 'L2', 'L2']);
  store.review.redo(r); // redoes B
  assert.deepEqual([1, 2, 3].map((id) => label(store, id)), ['L2', 'M1', 'L2']);
  assert.equal(store.review.redo(r), null);
  store.review.undo(r); // undoes the redo of B
  assert.equal(label(store, 2), 'L2');
  store.review.decide({ cellIds: [4], action: 'defer', reviewer: r }); // a new gesture clears the redo stack
  assert.equal(store.review.redo(r), null);
  assert.deepEqual(store.review.undoState(r), { canUndo: true, canRedo: false });
  // Nothing was overwritten: 4 + 2 undo + 4 redo + 1 undo + 1 defer decisions on record.
  const decisions = [1, 2, 3, 4].flatMap((id) => store.review.history(id));
  assert.equal(decisions.length, 4 + 4 + 4 + 1 + 1);
  assert.equal(store.audit.verifyChain().ok, true);
});

test('undo is per reviewer: one reviewer\'s undo leaves another\'s later decision in force', (t) => {
  const { store } = withCells(t);
  store.review.decide({ cellIds: [5], action: 'reclassify', labelCode: 'M6', reviewer: 'dr.a' });
  store.review.decide({ cellIds: [5], action: 'reclassify', labelCode: 'ER3', reviewer: 'dr.b' });
  store.review.undo('dr.a');
  assert.equal(label(store, 5), 'ER3');
  store.review.undo('dr.b');
  assert.equal(label(store, 5), 'M1'); // dr.a's decision is undone too: back to the prediction
  store.review.redo('dr.a');
  assert.equal(label(store, 5), 'M6');
});

test('confirm records the current label; defer labels DEFER, which counts as deferred and not in the NDC', (t) => {
  const { store, runId } = withCells(t);
  store.review.decide({ cellIds: [2], action: 'reclassify', labelCode: 'M1', reviewer: 'dr.a' });
  const b = store.review.decide({ cellIds: [1, 2], action: 'confirm', reviewer: 'dr.b' });
  assert.deepEqual(store.review.history(2).map((d) => d.labelCode), ['M1', 'M1']);
  assert.deepEqual(store.review.history(1).map((d) => [d.action, d.labelCode, d.batchId]), [['confirm', 'M1', b.batchId]]);
  store.review.decide({ cellIds: [3, 4], action: 'defer', reviewer: 'dr.b', note: 'unsure: blast vs lymphocyte' });
  assert.equal(store.review.deferredCount([runId]), 2);
  assert.equal(store.review.history(3)[0]?.note, 'unsure: blast vs lymphocyte');
  assert.throws(() => store.review.decide({ cellIds: [3], action: 'confirm', reviewer: 'dr.b' }), coded('VALIDATION_FAILED', /deferred/));
  const counts = store.cells.currentLabelCounts(runId);
  assert.deepEqual(counts, { M1: 3, M6: 1, ER3: 1, L2: 1, DEFER: 2 });
  const d = computeDifferential(counts);
  assert.equal(d.ndcTotal, 6);
  assert.equal(d.deferred, 2);
  assert.equal(d.rows.find((r) => r.category === 'blasts')?.count, 3);
});

test('bad review requests are refused with coded errors and record nothing', (t) => {
  const { store } = withCells(t);
  const before = store.audit.list().length;
  assert.throws(() => store.review.decide({ cellIds: [1], action: 'reclassify', labelCode: 'XX', reviewer: 'dr.a' }), coded('VALIDATION_FAILED', /"XX"/));
  assert.throws(() => store.review.decide({ cellIds: [1], action: 'reclassify', labelCode: 'DEFER', reviewer: 'dr.a' }), coded('VALIDATION_FAILED'));
  assert.throws(() => store.review.decide({ cellIds: [1], action: 'reclassify', reviewer: 'dr.a' }), coded('VALIDATION_FAILED'));
  assert.throws(() => store.review.decide({ cellIds: [1], action: 'defer', labelCode: 'M1', reviewer: 'dr.a' }), coded('VALIDATION_FAILED'));
  assert.throws(() => store.review.decide({ cellIds: [], action: 'confirm', reviewer: 'dr.a' }), coded('VALIDATION_FAILED', /review\.cellIds/));
  assert.throws(() => store.review.decide({ cellIds: [1], action: 'confirm', reviewer: ' ' }), coded('VALIDATION_FAILED', /review\.reviewer/));
  assert.throws(() => store.review.decide({ cellIds: [1, 999], action: 'reclassify', labelCode: 'L2', reviewer: 'dr.a' }), coded('NOT_FOUND', /999/));
  assert.throws(() => store.review.currentLabel(999), coded('NOT_FOUND'));
  assert.equal(label(store, 1), 'M1');
  assert.equal(store.audit.list().length, before);
});

test('reviewedCountForRun counts what the cell summaries call reviewed, through decisions, undo and redo', (t) => {
  const { store, runId } = withCells(t);
  const fromRows = (): number => store.cells.byUncertainty(runId, { limit: 100 }).filter((c) => c.reviewed).length;
  const check = (expected: number): void => {
    assert.equal(store.cells.reviewedCountForRun(runId), expected);
    assert.equal(fromRows(), expected);
  };
  check(0);
  store.review.decide({ cellIds: [1, 2, 3], action: 'reclassify', labelCode: 'L2', reviewer: 'dr.a' });
  check(3);
  store.review.decide({ cellIds: [4], action: 'confirm', reviewer: 'dr.a' });
  store.review.decide({ cellIds: [5], action: 'defer', reviewer: 'dr.b' });
  check(5);
  store.review.undo('dr.a'); // the confirm of cell 4
  assert.equal(store.cells.reviewedCountForRun(runId), fromRows());
  store.review.undo('dr.a'); // the reclassification of 1-3
  assert.equal(store.cells.reviewedCountForRun(runId), fromRows());
  store.review.redo('dr.a');
  assert.equal(store.cells.reviewedCountForRun(runId), fromRows());
  assert.ok(fromRows() >= 4);
});

test('currentLabelCounts equals grouping the derived labels, through a random run of decisions, undo and redo over two runs', (t) => {
  const { store, runId } = withCells(t);
  const other = startRun(store, 'b'.repeat(64)).runId;
  const [region] = store.regions.addMany(other, [squareRegion(0, 5000, 0)]);
  store.cells.insertBatch(region!.id, gridCells(8, 5000, 0)); // cells 9–16
  const byView = (runs: number[]) =>
    Object.fromEntries(
      (store.connection.prepare(`SELECT label_code, count(*) AS n FROM cell_labels WHERE run_id IN (${runs.join(',')}) GROUP BY label_code`).all() as { label_code: string; n: number }[]).map((r) => [r.label_code, r.n]),
    );
  let seed = 12345;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const codes = ['M1', 'M6', 'ER3', 'L2', 'M4'];
  const reviewers = ['dr.a', 'dr.b'];
  for (let step = 0; step < 120; step++) {
    const reviewer = reviewers[rand(2)]!;
    const k = rand(10);
    const cellIds = [...new Set(Array.from({ length: 1 + rand(3) }, () => 1 + rand(16)))];
    try {
      if (k < 4) store.review.decide({ cellIds, action: 'reclassify', labelCode: codes[rand(codes.length)]!, reviewer });
      else if (k < 5) store.review.decide({ cellIds, action: 'confirm', reviewer });
      else if (k < 6) store.review.decide({ cellIds, action: 'defer', reviewer });
      else if (k < 8) store.review.undo(reviewer);
      else store.review.redo(reviewer);
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'VALIDATION_FAILED')) throw e; // e.g. confirming a deferred cell
    }
    for (const runs of [[runId], [other], [runId, other]]) {
      assert.deepEqual(store.cells.currentLabelCounts(runs), byView(runs), `step ${step}, runs ${runs.join('+')}`);
    }
  }
});
