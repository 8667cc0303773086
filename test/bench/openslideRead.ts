/**
 * OpenSlide read benchmark: the addon's readRegion (straight RGBA copied into V8 memory) against
 * openslide-python's read_region (the anchor: same library, its own C un-premultiply, PIL image)
 * on the same ≥ 20,000² synthetic JPEG slide, same regions, same run. Prints medians over rounds.
 *
 *   npx tsc -p tsconfig.json && nice node dist/test/bench/openslideRead.js [--rounds 3] [--regions 400]
 *
 * Method: each round draws seeded random 256² level-0 regions (and 512² at level 2); every contender
 * opens the slide fresh (OpenSlide's tile cache cold) after the file was read once (page cache warm).
 * The addon runs with 1, 2 and 4 reads in flight (libuv pool of 4); python reads one at a time.
 * Wall rates depend on the machine's load; CPU time per region (process, all threads) is the robust
 * comparison on a shared machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, sharedDataDir } from '../../electron/core/paths.js';
import { openSlide } from '../../native/lib/index.js';
import type { RegionRead } from '../../native/lib/types.js';
import { buildLargeTiff, makePattern, realFieldImage, writePng } from '../helpers/syntheticSlide.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, regions: { type: 'string', default: '400' } } });
const ROUNDS = Number(args.rounds);
const COUNT = Number(args.regions);
const outDir = join(projectRoot(), 'test', 'bench', 'out');

const PY_ANCHOR = `
import json, sys, time, openslide
regions = json.loads(sys.stdin.read())
s = openslide.OpenSlide(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
for r in regions:
    s.read_region((r['x'], r['y']), r['level'], (r['width'], r['height']))
print(time.perf_counter() - t, time.process_time() - c)
`;

/** The same 20,480² slide test/bench/tiles.ts uses (a real smear field replicated 40 × 40, JPEG q90), built once. */
async function benchSlide(): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'bench-20480.tif');
  if (existsSync(path)) return path;
  const src = realFieldImage(sharedDataDir()) ?? (await writePng(makePattern(512, 512), join(outDir, 'bench-src.png')));
  return buildLargeTiff(src, path, 40, 40, { compression: 'jpeg', quality: 90 });
}

/** Seeded regions (mulberry32) so every contender reads the same ones. */
function regions(seed: number, width: number, height: number, level: number, size: number, downsample: number): RegionRead[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const span = (n: number) => Math.floor(rand() * (n / downsample - size)) * downsample;
  return Array.from({ length: COUNT }, () => ({ x: span(width), y: span(height), level, width: size, height: size }));
}

/** Regions per second (wall) and process CPU ms per region (all threads: robust on a loaded machine). */
interface Rate {
  readonly perSecond: number;
  readonly cpuMs: number;
}

async function addonRate(path: string, list: RegionRead[], inFlight: number): Promise<Rate> {
  const slide = await openSlide(path);
  try {
    let next = 0;
    const t = performance.now();
    const c = process.cpuUsage();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < list.length) await slide.readRegion(list[next++]!);
      }),
    );
    const cpu = process.cpuUsage(c);
    return { perSecond: list.length / ((performance.now() - t) / 1000), cpuMs: (cpu.user + cpu.system) / 1000 / list.length };
  } finally {
    slide.close();
  }
}

function pythonRate(path: string, list: RegionRead[]): Rate {
  const r = spawnSync('/usr/bin/python3', ['-c', PY_ANCHOR, path], { input: JSON.stringify(list), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python anchor failed: ${r.stderr}`);
  const [wall, cpu] = r.stdout.trim().split(' ').map(Number) as [number, number];
  return { perSecond: list.length / wall, cpuMs: (cpu * 1000) / list.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const path = await benchSlide();
readFileSync(path); // page cache warm for everyone
const probe = await openSlide(path);
const [w, h] = [probe.levels[0]!.width, probe.levels[0]!.height];
const ds2 = probe.levels[2]!.downsample;
probe.close();
const cases: [string, (round: number) => RegionRead[]][] = [
  ['256² at level 0', (round) => regions(1000 + round, w, h, 0, 256, 1)],
  ['512² at level 2', (round) => regions(2000 + round, w, h, 2, 512, ds2)],
];
const rows: string[][] = [];
for (const [name, make] of cases) {
  const rates: Record<string, Rate[]> = { python: [], 'addon ×1': [], 'addon ×2': [], 'addon ×4': [] };
  for (let round = 0; round < ROUNDS; round++) {
    const list = make(round);
    rates['python']!.push(pythonRate(path, list));
    for (const k of [1, 2, 4]) rates[`addon ×${k}`]!.push(await addonRate(path, list, k));
  }
  const base = median(rates['python']!.map((r) => r.cpuMs));
  for (const [who, xs] of Object.entries(rates)) {
    const cpu = median(xs.map((r) => r.cpuMs));
    rows.push([name, who, median(xs.map((r) => r.perSecond)).toFixed(0), cpu.toFixed(2), (cpu / base).toFixed(2)]);
  }
}
console.log(`slide ${w}×${h} JPEG q90; ${COUNT} regions × ${ROUNDS} rounds; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`);
console.log('| regions | reader | regions/s (wall, median) | CPU ms/region (median) | CPU vs python |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
