/**
 * Cell-classifier throughput: the ensemble through the engine (onnxruntime-node, CPU) against the
 * same architecture run by PyTorch on the CPU in the same run (test/bench/classify_torch.py).
 *
 *   node dist/test/bench/classify.js [--model models/manifest.json] [--seconds 3] [--threads 2]
 *        [--rounds 2] [--no-torch] [--no-tune] [--json FILE]
 *
 * The machine is shared, so for each batch size the engine and PyTorch are timed back to back,
 * --rounds times, and the ratio is the median of those paired ratios.
 * Timed like classify_torch.py: every member on an already-normalised float32 NCHW batch, then
 * softmax(z/T) and the mean over members (Ensemble.classifyTensor). Median of repeated runs after
 * two warm-up runs. The tuning section varies one setting at a time (graph optimisation level,
 * intra-op threads, spin-waiting of idle threads, preallocated outputs — the nearest thing to IO binding on the CPU — and one
 * worker with 2 threads vs two workers with 1 thread each) and the end-to-end section times whole
 * crops (preprocessing + transfer + inference) through InferenceWorker. Ends with the time a
 * 3,000-cell slide spends in classification at the best setting. A last table gives CPU time per
 * cell and member on one thread for both runtimes, which other jobs' load barely moves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { projectRoot } from '../../electron/core/paths.js';
import type { CellCrop } from '../../electron/core/infer/CellCrop.js';
import { createSession } from '../../electron/core/infer/createSession.js';
import { Ensemble, type EnsembleOptions } from '../../electron/core/infer/Ensemble.js';
import { InferenceWorker } from '../../electron/core/infer/InferenceWorker.js';
import { loadManifest } from '../../electron/core/infer/loadManifest.js';
import { preprocessCrops } from '../../electron/core/infer/preprocess.js';
import { aggregateBatch } from '../../electron/core/infer/aggregate.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    'no-torch': { type: 'boolean', default: false },
    'no-tune': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const root = projectRoot();
const shipped = join(root, 'models', 'manifest.json');
const manifestPath = args.model ?? (existsSync(shipped) ? shipped : join(root, 'test', 'fixtures', 'tiny-ensemble', 'manifest.json'));
const seconds = Number(args.seconds);
const threads = Number(args.threads);
const rounds = Number(args.rounds);
const BATCHES = [1, 16, 64];

interface Timing {
  batch: number;
  cellsPerSecond: number;
  medianMs: number;
  runs: number;
}

/** Median time of `fn` over at least 5 runs and `seconds` of wall time, after 2 warm-up runs. */
async function time(batch: number, fn: () => Promise<unknown>): Promise<Timing> {
  await fn();
  await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || performance.now() - start < seconds * 1000) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)]!;
  return { batch, cellsPerSecond: (batch * 1000) / med, medianMs: med, runs: times.length };
}

/** Deterministic textured crops at the model's µm/px. */
function crops(n: number, size: number, mpp: number): CellCrop[] {
  return Array.from({ length: n }, (_, k) => {
    const data = new Uint8Array(size * size * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 13 + k * 71 + ((i / 3) % size) * 3) % 256;
    return { data, width: size, height: size, micronsPerPixel: mpp };
  });
}

async function timeEnsemble(opts: EnsembleOptions, batches = BATCHES): Promise<Timing[]> {
  const e = await Ensemble.load(manifestPath, { providers: ['cpu'], ...opts, maxBatch: 64 });
  try {
    const out: Timing[] = [];
    for (const b of batches) {
      const input = preprocessCrops(crops(b, e.info.input.size, e.info.input.micronsPerPixel), e.manifest.input);
      out.push(await time(b, () => e.classifyTensor(input, b)));
    }
    return out;
  } finally {
    await e.release();
  }
}

// Raw sessions with outputs written into preallocated tensors (onnxruntime-node has no IO binding on the CPU).
async function timePreallocated(batches = BATCHES): Promise<Timing[]> {
  const loaded = await loadManifest(manifestPath);
  const m = loaded.manifest;
  const sessions = await Promise.all(loaded.memberBytes.map(async (b) => (await createSession(b, { providers: ['cpu'], intraOpThreads: threads })).session));
  const k = m.classes.length;
  const codes = m.classes.map((c) => c.code);
  try {
    const out: Timing[] = [];
    for (const b of batches) {
      const input = preprocessCrops(crops(b, m.input.size, m.input.micronsPerPixel), m.input);
      const x = new ort.Tensor('float32', input, [b, 3, m.input.size, m.input.size]);
      const outputs = sessions.map(() => new Float32Array(b * k));
      const fetches = outputs.map((o) => ({ [m.output.name]: new ort.Tensor('float32', o, [b, k]) }));
      out.push(
        await time(b, async () => {
          for (const [i, s] of sessions.entries()) await s.run({ [m.input.name]: x }, fetches[i]!);
          return aggregateBatch(outputs, b, m.calibration.temperature, codes);
        }),
      );
    }
    return out;
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}

// End to end through worker threads: `workers` InferenceWorkers share each batch equally.
async function timeWorkers(workers: number, perWorkerThreads: number, batches = BATCHES): Promise<Timing[]> {
  const pool = await Promise.all(Array.from({ length: workers }, () => InferenceWorker.start(manifestPath, { providers: ['cpu'], intraOpThreads: perWorkerThreads, maxBatch: 64 })));
  try {
    const info = pool[0]!.info;
    const out: Timing[] = [];
    for (const b of batches) {
      const all = crops(b, info.input.size, info.input.micronsPerPixel);
      const share = Math.ceil(b / workers);
      out.push(await time(b, () => Promise.all(pool.map((w, i) => w.classify(all.slice(i * share, (i + 1) * share))))));
    }
    return out;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

interface TorchResult {
  torch: string;
  weights: string;
  parameters: number;
  macsPerCrop: number;
  eager: Timing[];
  fusedBatchNorm: Timing[];
}

function runTorch(members: number, batches = BATCHES): TorchResult | undefined {
  const script = join(root, 'test', 'bench', 'classify_torch.py');
  if (args['no-torch'] || !existsSync(script)) return undefined;
  const stdout = execFileSync('/usr/bin/python3', [script, '--threads', String(threads), '--members', String(members), '--batches', batches.join(','), '--seconds', String(seconds)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as TorchResult;
}

const fmt = (v: number, d = 1) => v.toFixed(d);
const row = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => String(c).padStart(widths[i]!)).join('  ');

const info = (await loadManifest(manifestPath)).manifest;
const tiny = manifestPath.includes('tiny-ensemble');
console.log(`# Cell classifier throughput — ${new Date().toISOString()}`);
console.log(`model ${info.name} ${info.version} (${info.members.length} members, ${info.architecture}) — ${manifestPath}`);
console.log(`onnxruntime-node ${ort.env.versions.common}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (tiny) console.log('NOTE: tiny fixture ensemble (models/manifest.json not found): the PyTorch comparison is not like for like.');

// The machine is shared and its load swings: for each batch size, the engine and PyTorch are timed
// back to back (a pair), `rounds` times; the ratio reported is the median of the per-pair ratios.
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const medianTiming = (ts: Timing[]): Timing => {
  const sorted = [...ts].sort((a, b) => a.cellsPerSecond - b.cellsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
};
interface Pair {
  batch: number;
  engine: Timing;
  eager?: Timing;
  fused?: Timing;
  load: number;
}
const pairs: Pair[] = [];
const loaded = await Ensemble.load(manifestPath, { providers: ['cpu'], intraOpThreads: threads, graphOptimizationLevel: 'all', maxBatch: 64 });
let torchInfo: TorchResult | undefined;
for (let r = 0; r < rounds; r++) {
  for (const b of BATCHES) {
    const input = preprocessCrops(crops(b, loaded.info.input.size, loaded.info.input.micronsPerPixel), loaded.manifest.input);
    const e = await time(b, () => loaded.classifyTensor(input, b));
    const t = tiny ? undefined : runTorch(info.members.length, [b]);
    torchInfo ??= t;
    const pair: Pair = { batch: b, engine: e, ...(t ? { eager: t.eager[0]!, fused: t.fusedBatchNorm[0]! } : {}), load: loadavg()[0]! };
    pairs.push(pair);
    console.log(
      `round ${r + 1}, batch ${b}: engine ${fmt(e.cellsPerSecond)} c/s; torch eager ${pair.eager ? fmt(pair.eager.cellsPerSecond) : '-'}, fused ${pair.fused ? fmt(pair.fused.cellsPerSecond) : '-'} (load ${pair.load.toFixed(1)})`,
    );
  }
}
await loaded.release();
const engine = BATCHES.map((b) => medianTiming(pairs.filter((p) => p.batch === b).map((p) => p.engine)));
const torch = torchInfo;
const ratio = (b: number, key: 'eager' | 'fused'): number | undefined => {
  const rs = pairs.filter((p) => p.batch === b && p[key]).map((p) => p.engine.cellsPerSecond / p[key]!.cellsPerSecond);
  return rs.length ? median(rs) : undefined;
};
const torchMedian = (b: number, key: 'eager' | 'fused'): Timing | undefined => {
  const ts = pairs.filter((p) => p.batch === b && p[key]).map((p) => p[key]!);
  return ts.length ? medianTiming(ts) : undefined;
};
const W = [6, 12, 10, 13, 10, 13, 10];
console.log(`\n## Ensemble of ${info.members.length}, ${threads} threads: engine (onnxruntime-node, graph 'all', no spin-wait) vs PyTorch ${torch ? `${torch.torch} (${torch.weights} weights)` : '(not run)'}, medians of ${rounds} back-to-back pairs; ratio = median of per-pair ratios`);
console.log(row(['batch', 'engine c/s', 'engine ms', 'torch eager', 'ratio', 'torch fusedBN', 'ratio'], W));
for (const e of engine) {
  const te = torchMedian(e.batch, 'eager');
  const tf = torchMedian(e.batch, 'fused');
  const re = ratio(e.batch, 'eager');
  const rf = ratio(e.batch, 'fused');
  console.log(
    row(
      [
        e.batch,
        fmt(e.cellsPerSecond),
        fmt(e.medianMs, 2),
        te ? fmt(te.cellsPerSecond) : '-',
        re ? `${fmt(re, 2)}×` : '-',
        tf ? fmt(tf.cellsPerSecond) : '-',
        rf ? `${fmt(rf, 2)}×` : '-',
      ],
      W,
    ),
  );
}

// CPU time per cell on ONE thread: what each runtime costs, independent of how busy the machine is
// (wall-clock figures above swing with other jobs' load; CPU time barely does).
const TORCH_CPU = `
import json, os, sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])
import torch
torch.set_num_threads(1)
from common import build_model, load_member, member_paths
from classify_torch import DEFAULT_WEIGHTS, fuse_bn
paths = member_paths(DEFAULT_WEIGHTS) if os.path.isdir(DEFAULT_WEIGHTS) else []
make = (lambda: load_member(paths[0])[0]) if paths else (lambda: build_model().eval())
out = []
for name, model in (("eager", make()), ("fusedBatchNorm", fuse_bn(make()))):
    for b in (1, 16, 64):
        x = torch.randn(b, 3, 96, 96)
        with torch.no_grad():
            model(x); model(x)
            n = max(3, 64 // b)
            c0 = time.process_time()
            for _ in range(n): model(x)
            out.append({"variant": name, "batch": b, "cpuMsPerCell": (time.process_time() - c0) * 1000 / n / b})
print(json.dumps(out))
`;
async function engineCpuMsPerCell(): Promise<{ batch: number; cpuMsPerCell: number }[]> {
  const loadedM = await loadManifest(manifestPath);
  const m = loadedM.manifest;
  const { session } = await createSession(loadedM.memberBytes[0]!, { providers: ['cpu'], intraOpThreads: 1 });
  try {
    const out: { batch: number; cpuMsPerCell: number }[] = [];
    for (const b of BATCHES) {
      const x = new ort.Tensor('float32', preprocessCrops(crops(b, m.input.size, m.input.micronsPerPixel), m.input), [b, 3, m.input.size, m.input.size]);
      await session.run({ [m.input.name]: x });
      await session.run({ [m.input.name]: x });
      const n = Math.max(3, 64 / b);
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) await session.run({ [m.input.name]: x });
      const c = process.cpuUsage(c0);
      out.push({ batch: b, cpuMsPerCell: (c.user + c.system) / 1000 / n / b });
    }
    return out;
  } finally {
    await session.release();
  }
}
if (!tiny && !args['no-torch']) {
  const ortCpu = await engineCpuMsPerCell();
  const torchCpu = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', TORCH_CPU, join(root, 'models', 'training'), join(root, 'test', 'bench')], { encoding: 'utf8' }).trim(),
  ) as { variant: string; batch: number; cpuMsPerCell: number }[];
  console.log(`\n## CPU time per cell and member, 1 thread (ms; lower is better; load-independent)`);
  const CW = [6, 10, 12, 8, 14, 8];
  console.log(row(['batch', 'engine', 'torch eager', 'ratio', 'torch fusedBN', 'ratio'], CW));
  for (const o of ortCpu) {
    const te = torchCpu.find((t) => t.variant === 'eager' && t.batch === o.batch)!;
    const tf = torchCpu.find((t) => t.variant === 'fusedBatchNorm' && t.batch === o.batch)!;
    console.log(row([o.batch, fmt(o.cpuMsPerCell, 2), fmt(te.cpuMsPerCell, 2), `${fmt(te.cpuMsPerCell / o.cpuMsPerCell, 2)}×`, fmt(tf.cpuMsPerCell, 2), `${fmt(tf.cpuMsPerCell / o.cpuMsPerCell, 2)}×`], CW));
  }
}

const results: Record<string, Timing[]> = { engine };
if (!args['no-tune']) {
  const T = [16, 64];
  const variants: [string, () => Promise<Timing[]>][] = [
    [`graph 'disabled', ${threads} threads`, () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'disabled' }, T)],
    [`graph 'basic', ${threads} threads`, () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'basic' }, T)],
    [`graph 'extended', ${threads} threads`, () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'extended' }, T)],
    [`graph 'all', 1 thread`, () => timeEnsemble({ intraOpThreads: 1, graphOptimizationLevel: 'all' }, T)],
    [`graph 'all', ${threads} threads, spin-wait on (ORT default)`, () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'all', allowSpinning: true }, T)],
    [`graph 'all', ${threads} threads, preallocated outputs`, () => timePreallocated(T)],
    [`worker end to end: 1 worker × ${threads} threads`, () => timeWorkers(1, threads, T)],
    [`worker end to end: ${threads} workers × 1 thread`, () => timeWorkers(threads, 1, T)],
  ];
  // Each variant is measured right after a fresh baseline run, so load drift cancels in the ratio.
  const base = () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'all' }, T);
  const TW = [52, 10, 10, 10, 10, 9, 9];
  console.log(`\n## Tuning (cells/s; each variant against a baseline — graph 'all', ${threads} threads, no spin-wait — measured just before it)`);
  console.log(row(['setting'.padEnd(52), ...T.map((b) => `base ${b}`), ...T.map((b) => `batch ${b}`), ...T.map((b) => `ratio ${b}`)], TW));
  for (const [name, fn] of variants) {
    const b = await base();
    const r = await fn();
    results[name] = r;
    console.log(row([name.padEnd(52), ...b.map((t) => fmt(t.cellsPerSecond)), ...r.map((t) => fmt(t.cellsPerSecond)), ...r.map((t, i) => `${fmt(t.cellsPerSecond / b[i]!.cellsPerSecond, 2)}×`)], TW));
  }
}

const best = Object.entries(results)
  .flatMap(([name, ts]) => ts.map((t) => ({ name, ...t })))
  .sort((a, b) => b.cellsPerSecond - a.cellsPerSecond)[0]!;
console.log(`\nBest: ${best.name}, batch ${best.batch}: ${fmt(best.cellsPerSecond)} cells/s → a 3,000-cell slide spends ${fmt(3000 / best.cellsPerSecond, 1)} s in classification`);
const e64 = engine.find((t) => t.batch === 64)!;
console.log(`Engine default (batch 64, graph 'all', ${threads} threads): ${fmt(e64.cellsPerSecond)} cells/s → 3,000 cells in ${fmt(3000 / e64.cellsPerSecond, 1)} s`);
if (args.json) writeFileSync(args.json, JSON.stringify({ manifestPath, threads, seconds, rounds, engine, torch, pairs, results, best }, null, 2));
