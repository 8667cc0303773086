// Child process for crash.test.ts: writes region batches into a case file until it is SIGKILLed.
// Usage: node crashWriter.js <file> <mode: loop|hold> <cellsPerBatch>
//   loop: commits batch after batch, printing "committed <orderIndex>" after each commit;
//   hold: commits 3 batches, then opens a 4th transaction, writes its cells, prints "in-transaction" and blocks inside it.
import { writeSync } from 'node:fs';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { gridCells, squareRegion, startRun } from './storeFixtures.js';

const [file, mode, perBatchText] = process.argv.slice(2);
if (file === undefined || (mode !== 'loop' && mode !== 'hold')) {
  writeSync(2, 'usage: crashWriter.js <file> <loop|hold> <cellsPerBatch>\n');
  process.exit(2);
}
const perBatch = Number(perBatchText ?? 300);
const store = openCaseStore(file, { actor: 'crash-writer' });
const { runId } = startRun(store);
const regions = store.regions.addMany(
  runId,
  Array.from({ length: 500 }, (_, i) => squareRegion(i, (i % 50) * 600, Math.floor(i / 50) * 600)),
);
writeSync(1, `run ${runId}\n`);
const cellsFor = (i: number) => gridCells(perBatch, (i % 50) * 600, Math.floor(i / 50) * 600, { cropBytes: 2048 });

for (const [i, region] of regions.entries()) {
  if (mode === 'hold' && i === 3) {
    store.transaction(() => {
      store.cells.insertBatch(region.id, cellsFor(i));
      writeSync(1, 'in-transaction\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // block forever inside the open transaction
    });
  }
  store.cells.insertBatch(region.id, cellsFor(i));
  writeSync(1, `committed ${i}\n`); // synchronous: printed only after the commit returned
}
