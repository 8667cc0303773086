import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { analysisPortFrom } from '../../../electron/core/api/analysisPortFrom.js';
import { ApiEvents } from '../../../electron/core/api/ApiEvents.js';
import { SlideRegistry } from '../../../electron/core/slide/SlideRegistry.js';
import { projectRoot } from '../../../electron/core/paths.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { buildSyntheticAspirate, syntheticAspirateSkipReason } from '../../helpers/syntheticAspirate.js';

const skip = syntheticAspirateSkipReason() ?? false;
const TINY = join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble', 'manifest.json');

async function withPort<T>(fn: (ctx: { port: ReturnType<typeof analysisPortFrom>; events: ApiEvents; store: ReturnType<typeof openCaseStore>; slidePath: string; slide: Awaited<ReturnType<SlideRegistry['info']>>; dir: string }) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ms-api-analysis-'));
  const registry = new SlideRegistry();
  const store = openCaseStore(join(dir, 'case.marrowscope'));
  try {
    const aspirate = await buildSyntheticAspirate();
    const slide = await registry.info(aspirate.path);
    const events = new ApiEvents();
    const port = analysisPortFrom({ store, events, manifestPath: TINY });
    return await fn({ port, events, store, slidePath: aspirate.path, slide, dir });
  } finally {
    store.close();
    registry.closeAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the analysis port runs the real pipeline: answers once the run exists, streams progress, finishes with the cells stored', { skip }, async () => {
  await withPort(async ({ port, events, store, slidePath, slide }) => {
    const seen: { name: string; payload: Record<string, unknown> }[] = [];
    const finished = new Promise<Record<string, unknown>>((resolve) =>
      events.subscribe((name, payload) => {
        seen.push({ name, payload: payload as Record<string, unknown> });
        if (name === 'analysisFinished') resolve(payload as Record<string, unknown>);
      }),
    );
    // Two 512² tiles of the marrow corner, drawn by hand.
    const status = await port.start({ slidePath, slide, storedSlideId: '1', regions: [{ source: 'manual', rect: { x: 0, y: 0, width: 1024, height: 512 } }] });
    assert.equal(status.state, 'running');
    assert.equal(status.progress.regionsTotal, 2);
    const end = await finished;
    assert.deepEqual(end, { runId: status.runId, state: 'completed', error: null });
    const progress = seen.filter((e) => e.name === 'analysisProgress').map((e) => e.payload['regionsDone']);
    assert.deepEqual(progress, [0, 1, 2]);
    const stored = port.status(status.runId);
    assert.equal(stored.state, 'completed');
    assert.equal(stored.progress.regionsDone, 2);
    assert.ok(stored.progress.cellsFound > 0);
    assert.equal(stored.progress.cellsFound, store.cells.countForRun(Number(status.runId)));
  });
});

test('a model whose manifest is invalid fails at start with its code and records no run', { skip }, async () => {
  await withPort(async ({ store, events, slidePath, slide, dir }) => {
    const bad = join(dir, 'bad-manifest.json');
    writeFileSync(bad, '{"schemaVersion": 1}');
    await assert.rejects(
      () => analysisPortFrom({ store, events, manifestPath: bad }).start({ slidePath, slide, storedSlideId: '1', regions: [{ source: 'manual', rect: { x: 0, y: 0, width: 512, height: 512 } }] }),
      (err: unknown) => err instanceof AppError && err.code === 'MODEL_MANIFEST_INVALID',
    );
    assert.equal(store.slides.list().length, 0, 'nothing was recorded');
  });
});

// Cancelling terminates the analysis worker mid-region, and that currently aborts the whole host
// process (SIGABRT: "terminate called after throwing an instance of 'Napi::Error'" during the
// worker's teardown, a node-addon-api exception escaping a native completion callback). Reported;
// this test runs once the pipeline stops its worker without killing the host.
test('cancel mid-run keeps the committed cells and reports cancelled', { skip }, async () => {
  await withPort(async ({ port, events, store, slidePath, slide }) => {
    const finished = new Promise<Record<string, unknown>>((resolve) => events.subscribe((name, payload) => name === 'analysisFinished' && resolve(payload as Record<string, unknown>)));
    const status = await port.start({ slidePath, slide, storedSlideId: '1', regions: [{ source: 'manual', rect: { x: 0, y: 0, width: 2048, height: 1024 } }] });
    await new Promise<void>((resolve) => {
      const off = events.subscribe((name, payload) => {
        if (name === 'analysisProgress' && (payload as { regionsDone: number }).regionsDone >= 1) {
          off();
          resolve();
        }
      });
    });
    assert.equal((await port.cancel(status.runId)).state, 'cancelled');
    assert.equal((await finished)['state'], 'cancelled');
    const stored = port.status(status.runId);
    assert.equal(stored.state, 'cancelled');
    assert.ok(stored.progress.regionsDone >= 1 && stored.progress.regionsDone < 8);
    assert.equal(stored.progress.cellsFound, store.cells.countForRun(Number(status.runId)));
  });
});
