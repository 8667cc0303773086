/**
 * Region-proposal benchmark: proposeRegions() against its own reads (the baseline: the same overview
 * read, the same number of 512² candidate reads at 1 µm/px and of 64-µm focus reads, no measuring),
 * in the same run, on (a) the synthetic aspirate (6,144 × 4,096, test/helpers/syntheticAspirate.ts) and
 * (b) a 20,480² pyramidal slide of one real SegPC field replicated (1,600 candidate tiles), with the
 * default cap of 400 measured candidates and with no cap. Prints medians over rounds of wall time
 * and process CPU time (robust on a shared machine); record the table in test/bench/RESULTS.md.
 *
 *   npx tsc -p tsconfig.json && nice node dist/test/bench/regions.js [--rounds 3]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, sharedDataDir } from '../../electron/core/paths.js';
import { proposeRegions, type ProposeRegionsOptions } from '../../electron/core/regions/proposeRegions.js';
import { focusAt } from '../../electron/core/regions/measureSlideRegion.js';
import { readScaled } from '../../electron/core/regions/readScaled.js';
import { openSlide } from '../../native/lib/index.js';
import { buildSyntheticAspirate } from '../helpers/syntheticAspirate.js';
import { buildLargeTiff, realFieldImage } from '../helpers/syntheticSlide.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const ROUNDS = Number(args.rounds);
const MPP = 0.25;

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The reads proposeRegions makes, without measuring: overview, `measured` candidates, `focused` focus samples. */
async function readsOnly(path: string, measured: number, focused: number): Promise<void> {
  const slide = await openSlide(path);
  try {
    const { width, height } = slide.levels[0]!;
    await readScaled(slide, { x: 0, y: 0, width, height }, 8 / MPP);
    const cols = Math.floor(width / 512);
    for (let i = 0; i < measured; i++) {
      const rect = { x: (i % cols) * 512, y: Math.floor(i / cols) * 512, width: 512, height: 512 };
      await readScaled(slide, rect, 1 / MPP);
      if (i < focused) await focusAt(slide, rect, 64 / MPP);
    }
  } finally {
    slide.close();
  }
}

async function main(): Promise<void> {
  const aspirate = await buildSyntheticAspirate();
  const outDir = join(projectRoot(), 'test', 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  const big = join(outDir, 'regions-20480.tif');
  if (!existsSync(big)) {
    const field = realFieldImage(sharedDataDir());
    if (!field) throw new Error('no SegPC field image in ../shared/data');
    await buildLargeTiff(field, big, 40, 40, { compression: 'jpeg', quality: 90 });
  }
  const cases: { name: string; path: string; options: ProposeRegionsOptions }[] = [
    { name: 'synthetic aspirate 6,144 × 4,096', path: aspirate.path, options: { count: 10 } },
    { name: 'replicated field 20,480², cap 400', path: big, options: { count: 10, assumedMpp: MPP } },
    { name: 'replicated field 20,480², no cap', path: big, options: { count: 10, assumedMpp: MPP, maxCandidates: 100_000 } },
  ];
  console.log(`regions bench: ${ROUNDS} rounds, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| slide | candidates | measured | proposeRegions wall ms | CPU ms | reads-only wall ms | CPU ms | CPU ratio (full / reads) | ms CPU per measured tile |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const c of cases) {
    const full: Timing[] = [];
    const reads: Timing[] = [];
    let candidates = 0;
    let measured = 0;
    for (let r = 0; r < ROUNDS; r++) {
      full.push(
        await timed(async () => {
          const slide = await openSlide(c.path);
          try {
            const result = await proposeRegions(slide, c.options);
            candidates = result.candidateCount;
            measured = result.measuredCount;
          } finally {
            slide.close();
          }
        }),
      );
      reads.push(await timed(() => readsOnly(c.path, measured, 40)));
    }
    const fw = median(full.map((t) => t.wallMs));
    const fc = median(full.map((t) => t.cpuMs));
    const rw = median(reads.map((t) => t.wallMs));
    const rc = median(reads.map((t) => t.cpuMs));
    console.log(
      `| ${c.name} | ${candidates} | ${measured} | ${fw.toFixed(0)} | ${fc.toFixed(0)} | ${rw.toFixed(0)} | ${rc.toFixed(0)} | ${(fc / rc).toFixed(2)} | ${(fc / measured).toFixed(1)} |`,
    );
  }
}

await main();
