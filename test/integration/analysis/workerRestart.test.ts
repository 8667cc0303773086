import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysisChannelFactory } from '../../../electron/core/analysis/AnalysisChannel.js';
import { childProcessChannel } from '../../../electron/core/analysis/childProcessChannel.js';
import { planManualRegions } from '../../../electron/core/analysis/planRegions.js';
import { runAnalysis, type AnalysisRequest } from '../../../electron/core/analysis/runAnalysis.js';
import { threadChannel } from '../../../electron/core/analysis/threadChannel.js';
import { SlideRegistry } from '../../../electron/core/slide/SlideRegistry.js';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { parseRoiGeoJson } from '../../../electron/core/regions/parseRoiGeoJson.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { buildSyntheticAspirate, syntheticAspirateSkipReason } from '../../helpers/syntheticAspirate.js';
import { testManifestPath } from '../../helpers/testModel.js';

const skip = syntheticAspirateSkipReason();

async function request(): Promise<AnalysisRequest> {
  const aspirate = await buildSyntheticAspirate();
  const registry = new SlideRegistry();
  const slide = await registry.info(aspirate.path);
  registry.closeAll();
  const rects = aspirate.cells.filter((c) => c.kind === 'marrow').slice(0, 2).map((c) => c.rect);
  const roi = {
    type: 'FeatureCollection',
    features: rects.map((r) => ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[r.x, r.y], [r.x + r.width, r.y], [r.x + r.width, r.y + r.height], [r.x, r.y + r.height], [r.x, r.y]]] }, properties: {} })),
  };
  const regions = planManualRegions(parseRoiGeoJson(roi, { width: slide.width, height: slide.height }));
  return { slide, manifestPath: testManifestPath(), regions, maxCells: null, parameters: { test: 'worker-restart' } };
}

function cellsOf(db: string, runId: number): string[] {
  const store = openCaseStore(db, { create: false, readonly: true });
  try {
    return (store.connection.prepare('SELECT r.order_index, c.local_index, c.x, c.y, c.predicted_code FROM cells c JOIN regions r ON r.id = c.region_id WHERE c.run_id = ? ORDER BY r.order_index, c.local_index').raw().all(runId) as unknown[][]).map((r) => r.join(','));
  } finally {
    store.close();
  }
}

test('a worker process killed mid-run is restarted on the regions left: the run completes equal to an uninterrupted one', { skip, timeout: 600_000 }, async () => {
  const req = await request();
  const dir = mkdtempSync(join(tmpdir(), 'ms-restart-'));
  try {
    // Reference, in a worker thread (the other channel), never interrupted.
    const refDb = join(dir, 'reference.marrowscope');
    const refStore = openCaseStore(refDb);
    const ref = await runAnalysis(refStore, req, { channel: threadChannel }).finally(() => refStore.close());
    assert.equal(ref.status, 'completed');
    assert.ok(ref.regions >= 4);
    const expected = cellsOf(refDb, ref.runId);
    assert.ok(expected.length > 0);

    // The same run in a child process that is SIGKILLed once, right after its first region is committed.
    const db = join(dir, 'case.marrowscope');
    const store = openCaseStore(db);
    const pids: (number | null)[] = [];
    let killed = false;
    const outcome = await runAnalysis(store, req, {
      onWorker: (w) => pids.push(w.pid),
      onRegionCommitted: () => {
        if (killed) return;
        killed = true;
        process.kill(pids[0]!, 'SIGKILL');
      },
    }).finally(() => store.close());
    assert.ok(killed);
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.restarts, 1, 'one crash, one restart');
    assert.equal(pids.length, 2);
    assert.ok(pids.every((p) => typeof p === 'number' && p !== process.pid), 'each worker is a process of its own');
    assert.notEqual(pids[0], pids[1]);
    assert.deepEqual(cellsOf(db, outcome.runId), expected, 'nothing lost, nothing duplicated');
    const check = openCaseStore(db, { create: false });
    try {
      assert.deepEqual(check.integrityCheck(), ['ok']);
      assert.equal(check.runs.get(outcome.runId).status, 'completed');
      assert.equal(check.audit.verifyChain().ok, true);
    } finally {
      check.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that keeps crashing without progress fails the run with a coded error; the host stays up', { skip, timeout: 300_000 }, async () => {
  const req = await request();
  const dir = mkdtempSync(join(tmpdir(), 'ms-restart-'));
  try {
    const db = join(dir, 'case.marrowscope');
    const store = openCaseStore(db);
    let starts = 0;
    // Every worker dies at once, before it can do anything.
    const dying: AnalysisChannelFactory = (init) => {
      starts += 1;
      const channel = childProcessChannel(init);
      process.kill(channel.pid!, 'SIGKILL');
      return channel;
    };
    try {
      await assert.rejects(runAnalysis(store, req, { channel: dying }), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'ANALYSIS_FAILED');
        assert.match(err.message, /crashed 3 times in a row on region \d+/);
        return true;
      });
      assert.equal(starts, 3, 'the first start and two restarts');
      const run = store.runs.listForSlide(store.slides.list()[0]!.id)[0]!;
      assert.equal(run.status, 'failed');
      assert.equal(run.error?.code, 'ANALYSIS_FAILED');
      assert.deepEqual(store.integrityCheck(), ['ok']);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
