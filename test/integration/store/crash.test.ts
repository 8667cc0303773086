import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { gridCells, tempDir } from './storeFixtures.js';

const WRITER = fileURLToPath(new URL('./crashWriter.js', import.meta.url));
const PER_BATCH = 300;

/** Runs the writer and SIGKILLs it when `killWhen` matches a line of its output; resolves with the lines seen. */
function runAndKill(file: string, mode: 'loop' | 'hold', killWhen: (line: string) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, file, mode, String(PER_BATCH)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    let buffer = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer did not reach the kill point in 60 s; output: ${lines.join(' | ')}; stderr: ${stderr}`));
    }, 60_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (!killed && killWhen(line)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && killed) resolve(lines);
      else reject(new Error(`writer exited (code ${code}, signal ${signal}) before it was killed; stderr: ${stderr}`));
    });
  });
}

/** After the crash: the file opens, is sound, and holds exactly the committed batches. */
function assertRecovered(file: string, committed: readonly number[], rolledBack?: number): void {
  assert.ok(existsSync(`${file}-wal`), 'the crash left a WAL behind to recover from');
  const store = openCaseStore(file);
  try {
    assert.deepEqual(store.integrityCheck(), ['ok']);
    const verify = store.audit.verifyChain();
    assert.equal(verify.ok, true, JSON.stringify(verify));
    const [run] = store.runs.unfinished();
    assert.ok(run, 'the interrupted run is still marked running (a resume candidate)');
    const regions = store.regions.list(run.id);
    const done = regions.filter((r) => r.status === 'done');
    for (const i of committed) assert.equal(regions[i]?.status, 'done', `reported batch ${i} survived`);
    if (rolledBack !== undefined) assert.equal(regions[rolledBack]?.status, 'pending', `the batch open at the kill (${rolledBack}) was rolled back`);
    // No partial batch: every done region has all its cells, every pending region none.
    for (const r of regions) {
      const n = store.connection.prepare('SELECT count(*) FROM cells WHERE region_id = ?').pluck().get(r.id) as number;
      assert.equal(n, r.status === 'done' ? PER_BATCH : 0, `region ${r.orderIndex} (${r.status}) has ${n} cells`);
    }
    assert.equal(store.cells.countForRun(run.id), done.length * PER_BATCH);
    assert.equal(store.audit.list().filter((e) => e.action === 'cells.insert').length, done.length);
    // Resume: the next pending region goes in once, and re-sending a done one adds nothing.
    const next = store.regions.pending(run.id)[0]!;
    const ox = next.bounds.x;
    const oy = next.bounds.y;
    assert.equal(store.cells.insertBatch(next.id, gridCells(PER_BATCH, ox, oy)).inserted, PER_BATCH);
    assert.equal(store.cells.insertBatch(done[0]!.id, gridCells(PER_BATCH)).inserted, 0);
    assert.equal(store.cells.countForRun(run.id), (done.length + 1) * PER_BATCH);
  } finally {
    store.close();
  }
}

test('SIGKILL while a batch transaction is open: the file opens sound with every committed batch and no part of the open one', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const file = tmp.file();
  const lines = await runAndKill(file, 'hold', (l) => l === 'in-transaction');
  const committed = lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.split(' ')[1]));
  assert.deepEqual(committed, [0, 1, 2]);
  assertRecovered(file, committed, 3);
});

test('SIGKILL at an arbitrary point of a commit loop: every reported batch is there, none is partial', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const file = tmp.file();
  const lines = await runAndKill(file, 'loop', (l) => l === 'committed 4');
  const committed = lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.split(' ')[1]));
  assert.ok(committed.length >= 5);
  assertRecovered(file, committed);
});
