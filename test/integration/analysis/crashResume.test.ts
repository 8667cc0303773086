import { test } from 'node:test';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../../electron/core/paths.js';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { buildSyntheticAspirate, syntheticAspirateSkipReason } from '../../helpers/syntheticAspirate.js';
import { runCli } from '../../helpers/runCli.js';
import { testManifestPath } from '../../helpers/testModel.js';

const skip = syntheticAspirateSkipReason();

interface StoredCell {
  id: number;
  region: number;
  index: number;
  x: number;
  y: number;
  code: string;
}

function storedCells(db: string, runId: number): StoredCell[] {
  const store = openCaseStore(db, { create: false, readonly: true });
  try {
    const rows = store.connection
      .prepare('SELECT c.id, r.order_index AS region, c.local_index AS idx, c.x AS x, c.y AS y, c.predicted_code AS code FROM cells c JOIN regions r ON r.id = c.region_id WHERE c.run_id = ? ORDER BY r.order_index, c.local_index')
      .all(runId) as { id: number; region: number; idx: number; x: number; y: number; code: string }[];
    return rows.map((r) => ({ id: r.id, region: r.region, index: r.idx, x: r.x, y: r.y, code: r.code }));
  } finally {
    store.close();
  }
}

/** Regions done so far, read through a second, read-only connection while the analysis writes (null before the schema exists). */
function regionsDone(conn: Database.Database): number | null {
  try {
    return (conn.prepare("SELECT count(*) AS n FROM regions WHERE status = 'done'").get() as { n: number }).n;
  } catch {
    return null;
  }
}

test('killing analyze mid-run loses no committed region, and a rerun resumes without duplicates', { skip, timeout: 600_000 }, async () => {
  const aspirate = await buildSyntheticAspirate();
  const dir = mkdtempSync(join(tmpdir(), 'ms-crash-'));
  try {
    const rects = aspirate.cells.filter((c) => c.kind === 'marrow').slice(0, 2).map((c) => c.rect);
    const roi = {
      type: 'FeatureCollection',
      features: rects.map((r) => ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[r.x, r.y], [r.x + r.width, r.y], [r.x + r.width, r.y + r.height], [r.x, r.y + r.height], [r.x, r.y]]] }, properties: {} })),
    };
    const roiPath = join(dir, 'roi.geojson');
    writeFileSync(roiPath, JSON.stringify(roi));
    const args = (db: string) => ['analyze', aspirate.path, '--db', db, '--roi', roiPath, '--model', testManifestPath(), '--json'];

    // Reference: the same analysis, never interrupted.
    const refDb = join(dir, 'reference.marrowscope');
    const ref = await runCli(args(refDb));
    assert.equal(ref.code, 0, ref.stderr);
    const refRun = JSON.parse(ref.stdout) as { runId: number; cells: number; regions: number };
    assert.equal(refRun.regions, 8);
    const expected = storedCells(refDb, refRun.runId);

    // Kill -9 once at least two regions are committed and before the run ends.
    const db = join(dir, 'case.marrowscope');
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'marrowscope.js'), ...args(db)], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let killedMidRun = false;
    let reader: Database.Database | undefined;
    while (child.exitCode === null && child.signalCode === null) {
      if (!reader && existsSync(db)) reader = new Database(db, { readonly: true, fileMustExist: true });
      const done = reader ? regionsDone(reader) : null;
      if (done !== null && done >= 2 && done < 8) {
        child.kill('SIGKILL');
        killedMidRun = true;
        break;
      }
      await sleep(20);
    }
    await exited;
    reader?.close();
    assert.ok(killedMidRun, 'the run was killed between regions 2 and 8');

    // After the kill: consistent file, a run left "running", whole regions only.
    const before = openCaseStore(db, { create: false });
    let runId: number;
    let committed: number;
    try {
      assert.deepEqual(before.integrityCheck(), ['ok']);
      const unfinished = before.runs.unfinished();
      assert.equal(unfinished.length, 1);
      runId = unfinished[0]!.id;
      committed = before.regions.list(runId).filter((r) => r.status === 'done').length;
      assert.ok(committed >= 2 && committed < 8);
      assert.equal(before.connection.prepare("SELECT count(*) AS n FROM cells c JOIN regions r ON r.id = c.region_id WHERE r.status = 'pending'").pluck().get(), 0, 'no cells of an uncommitted region');
    } finally {
      before.close();
    }
    const survivors = storedCells(db, runId);

    // Rerun: resumes the same run, keeps every committed cell as it was, ends equal to the reference.
    const again = await runCli(args(db));
    assert.equal(again.code, 0, again.stderr);
    const resumed = JSON.parse(again.stdout) as { runId: number; resumed: boolean; cells: number };
    assert.equal(resumed.runId, runId);
    assert.equal(resumed.resumed, true);
    const after = storedCells(db, runId);
    assert.deepEqual(after.slice(0, survivors.length), survivors, 'committed cells unchanged by the resume');
    const strip = (cells: StoredCell[]) => cells.map(({ region, index, x, y, code }) => ({ region, index, x, y, code }));
    const firstDiff = strip(after).findIndex((c, i) => JSON.stringify(c) !== JSON.stringify(strip(expected)[i]));
    assert.equal(after.length, expected.length, 'same number of cells as an uninterrupted run');
    assert.equal(firstDiff, -1, `first difference at ${firstDiff}: ${JSON.stringify(strip(after)[firstDiff])} vs ${JSON.stringify(strip(expected)[firstDiff])}`);
    assert.deepEqual(strip(after), strip(expected), 'resumed run equals an uninterrupted one: nothing lost, nothing duplicated');
    const store = openCaseStore(db, { create: false });
    try {
      assert.deepEqual(store.integrityCheck(), ['ok']);
      assert.equal(store.runs.get(runId).status, 'completed');
      assert.equal(store.audit.verifyChain().ok, true);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
