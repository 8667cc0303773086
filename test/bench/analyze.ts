/**
 * Benchmark: end-to-end `analyze` of 3,000 cells (regions proposed automatically, detection,
 * crops, 5-member classification, storage) on a slide built from real marrow fields.
 * Prints the breakdown and peak memory. Run: node dist/test/bench/analyze.js [--cells 3000] [--threads 2]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSlide } from '../../native/lib/index.js';
import { planProposedRegions } from '../../electron/core/analysis/planRegions.js';
import { runAnalysis } from '../../electron/core/analysis/runAnalysis.js';
import { projectRoot } from '../../electron/core/paths.js';
import { proposeRegions } from '../../electron/core/regions/proposeRegions.js';
import { SlideRegistry } from '../../electron/core/slide/SlideRegistry.js';
import { openCaseStore } from '../../electron/core/store/index.js';
import { buildSyntheticAspirate } from '../helpers/syntheticAspirate.js';
import { buildAperioSvs } from '../helpers/syntheticSlide.js';
import { testManifestPath } from '../helpers/testModel.js';

const { values } = parseArgs({ options: { cells: { type: 'string', default: '3000' }, threads: { type: 'string' }, model: { type: 'string' } } });
const maxCells = Number(values.cells);
const manifestPath = values.model ?? testManifestPath();

// A 2 × 2 replicate of the synthetic aspirate (≈ 12k × 8k px at 0.25 µm/px): enough marrow for 3,000 cells.
const out = join(projectRoot(), 'test', 'bench', 'out');
mkdirSync(out, { recursive: true });
const slidePath = join(out, 'aspirate-2x2.svs');
if (!existsSync(slidePath)) {
  const aspirate = await buildSyntheticAspirate();
  const v = join(tmpdir(), `ms-bench-${process.pid}.v`);
  execFileSync('vips', ['replicate', aspirate.path, v, '2', '2']);
  await buildAperioSvs(v, slidePath, { compression: 'jpeg', quality: 92, mpp: 0.25 });
  rmSync(v, { force: true });
}

const registry = new SlideRegistry();
const slide = await registry.info(slidePath);
registry.closeAll();
const t0 = performance.now();
const handle = await openSlide(slidePath);
const proposed = await proposeRegions(handle, { count: 400, minSeparationUm: 0 });
handle.close();
const tPropose = performance.now() - t0;

const db = join(tmpdir(), `ms-bench-${process.pid}.marrowscope`);
const store = openCaseStore(db);
const outcome = await runAnalysis(
  store,
  { slide, manifestPath, regions: planProposedRegions(proposed.proposals), maxCells, parameters: { bench: true }, ...(values.threads ? { intraOpThreads: Number(values.threads) } : {}) },
);
store.close();
rmSync(db, { force: true });
rmSync(`${db}-wal`, { force: true });
rmSync(`${db}-shm`, { force: true });

const t = outcome.timings;
const total = tPropose + t.total;
const row = (name: string, ms: number, note = '') => console.log(`| ${name.padEnd(34)} | ${(ms / 1000).toFixed(2).padStart(8)} | ${note}`);
console.log(`\nanalyze benchmark — ${new Date().toISOString()} — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
console.log(`slide ${slide.width}×${slide.height} px at 0.25 µm/px; model ${manifestPath}; provider ${outcome.provider}`);
console.log(`| step                               |    s     | note`);
console.log(`|------------------------------------|----------|-----`);
row('region proposals (auto ROI)', tPropose, `${proposed.proposals.length} proposals from ${proposed.candidateCount} candidates`);
row('  worker: read regions', t.read, 'inside the worker, overlapping the host');
row('  worker: detect nuclei', t.detect);
row('  worker: crops + JPEG', t.crop);
row('  worker: classify (ensemble)', t.classify);
row('  host: store (one txn per region)', t.store);
row('analysis wall time', t.total, `${outcome.regions} regions planned`);
row('TOTAL (proposals + analysis)', total, `target ≤ 60 s for 3,000 cells`);
console.log(`cells stored: ${outcome.cells}; cells/s: ${(outcome.cells / (total / 1000)).toFixed(1)}; peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
