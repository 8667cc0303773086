// Case-store benchmark: how the repositories' writes and queries compare with plain better-sqlite3
// doing the same rows with no validation, triggers, indexes or audit. Prints medians and ratios.
// Run: node dist/test/bench/caseStore.js [cells=30000] [reps=7]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openCaseStore } from '../../electron/core/store/index.js';
import { encodeProbabilities } from '../../electron/core/store/probabilityBlob.js';
import { computeDifferential } from '../../electron/shared/domain/differential/index.js';
import { gridCells, squareRegion, startRun } from '../integration/store/storeFixtures.js';

const total = Number(process.argv[2] ?? 30_000);
const reps = Number(process.argv[3] ?? 7);
const PER_REGION = 3000;
const dir = mkdtempSync(join(tmpdir(), 'marrowscope-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const rows: [string, number, string][] = [];
try {
  // Baseline: the same 3,000 rows (with 3 kB crops) into a bare WAL table in one transaction.
  const rawTimes: number[] = [];
  const storeTimes: number[] = [];
  for (let r = 0; r < reps; r++) {
    const cells = gridCells(PER_REGION, 0, 0, { cropBytes: 3000, perRow: 60 });
    const raw = new Database(join(dir, `raw${r}.db`));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec('CREATE TABLE cells (run_id, region_id, local_index, x, y, bx, by, bw, bh, outline, measurements, crop, probabilities, predicted_code, entropy, mi, agreement, margin)');
    const ins = raw.prepare('INSERT INTO cells VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
    rawTimes.push(
      time(() =>
        raw.transaction(() => {
          for (const c of cells) {
            ins.run(1, 1, c.localIndex, c.centroid.x, c.centroid.y, c.bbox.x, c.bbox.y, c.bbox.width, c.bbox.height, JSON.stringify(c.outline), JSON.stringify(c.measurements), c.crop, encodeProbabilities(c.probabilities), c.predictedCode, c.entropy, c.mutualInformation, c.agreement, c.margin);
          }
        })(),
      ),
    );
    raw.close();
    const store = openCaseStore(join(dir, `store${r}.marrowscope`));
    const { runId } = startRun(store);
    const [region] = store.regions.addMany(runId, [squareRegion(0, 0, 0, 4000)]);
    storeTimes.push(time(() => store.cells.insertBatch(region!.id, cells)));
    store.close();
  }
  const rawInsert = median(rawTimes);
  rows.push(['raw INSERT 3,000 cells, 1 tx (baseline)', rawInsert, '1.00']);
  rows.push(['insertBatch 3,000 cells (validate+triggers+R*Tree+audit)', median(storeTimes), (median(storeTimes) / rawInsert).toFixed(2)]);

  // A large case for the queries: `total` cells without crops over a grid of regions, 10% reviewed.
  const store = openCaseStore(join(dir, 'big.marrowscope'));
  const { runId } = startRun(store);
  const nRegions = Math.ceil(total / PER_REGION);
  const regions = store.regions.addMany(runId, Array.from({ length: nRegions }, (_, i) => squareRegion(i, i * 2000, 0, 2000)));
  for (const [i, region] of regions.entries()) store.cells.insertBatch(region.id, gridCells(PER_REGION, i * 2000, 0, { perRow: 75 }));
  for (let id = 1; id <= total; id += 100) {
    store.review.decide({ cellIds: Array.from({ length: 10 }, (_, k) => id + k), action: 'reclassify', labelCode: 'L2', reviewer: 'bench' });
  }
  const viewport = { x: 2500, y: 200, width: 1000, height: 600 };
  const db = store.connection;
  const scan = db.prepare('SELECT id FROM cells WHERE run_id = ? AND bbox_x + bbox_w >= ? AND bbox_x <= ? AND bbox_y + bbox_h >= ? AND bbox_y <= ? ORDER BY id LIMIT 5000');
  const measure = (fn: () => unknown): number => median(Array.from({ length: reps }, () => time(fn)));
  const scanMs = measure(() => scan.all(runId, viewport.x, viewport.x + viewport.width, viewport.y, viewport.y + viewport.height));
  const found = store.cells.inViewport(runId, viewport).cells.length;
  rows.push([`full-scan viewport query, ${total} cells (baseline)`, scanMs, '1.00']);
  const viewMs = measure(() => store.cells.inViewport(runId, viewport));
  rows.push([`inViewport (${found} cells, R*Tree + labels)`, viewMs, (viewMs / scanMs).toFixed(2)]);
  const countPlain = db.prepare('SELECT predicted_code, count(*) FROM cells WHERE run_id = ? GROUP BY predicted_code');
  const plainCount = measure(() => countPlain.all(runId));
  rows.push([`GROUP BY predicted_code, ${total} cells (baseline)`, plainCount, '1.00']);
  const byView = db.prepare('SELECT label_code, count(*) FROM cell_labels WHERE run_id = ? GROUP BY label_code');
  const viewCount = measure(() => byView.all(runId));
  rows.push([`GROUP BY the derived label view (every cell's label derived), ${total / 10} decisions`, viewCount, (viewCount / plainCount).toFixed(2)]);
  const labelCount = measure(() => store.cells.currentLabelCounts(runId));
  rows.push([`currentLabelCounts (predictions corrected by the reviewed cells)`, labelCount, (labelCount / plainCount).toFixed(2)]);
  rows.push(['computeDifferential from those counts', measure(() => computeDifferential(store.cells.currentLabelCounts(runId))), '']);
  rows.push(['byLabel L2, page of 200', measure(() => store.cells.byLabel(runId, 'L2', { limit: 200 })), '']);
  rows.push(['byUncertainty entropy, page of 200, unreviewed', measure(() => store.cells.byUncertainty(runId, { limit: 200, unreviewedOnly: true })), '']);
  rows.push(['review.decide 1 cell (+ audit)', measure(() => store.review.decide({ cellIds: [5], action: 'reclassify', labelCode: 'M6', reviewer: 'b2' })), '']);
  rows.push(['review.decide 100 cells (bulk)', measure(() => store.review.decide({ cellIds: Array.from({ length: 100 }, (_, k) => 200 + k), action: 'confirm', reviewer: 'b3' })), '']);
  rows.push(['review.undo (1 cell gesture)', measure(() => store.review.undo('b2')), '']);
  const entries = store.audit.list().length;
  rows.push([`verifyChain (${entries} entries)`, measure(() => store.audit.verifyChain()), '']);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`case store, ${total} cells, median of ${reps}`);
console.log('| operation | median ms | ratio to baseline |');
console.log('|---|---:|---:|');
for (const [name, ms, ratio] of rows) console.log(`| ${name} | ${ms.toFixed(2)} | ${ratio} |`);
