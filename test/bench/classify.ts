/**
 * Cell-classifier throughput: the ensemble through the engine (onnxruntime-node, CPU) against the
 * same architecture run by PyTorch on the CPU in the same run (test/bench/classify_torch.py).
 *
 *   node dist/test/bench/classify.js [--model models/manifest.json] [--seconds 3] [--threads 2]
 *        [--rounds 2] [--no-torch] [--no-tune] [--json FILE]
 *
 * Engine and PyTorch alternate for --rounds rounds (medians), since the machine is shared.
 * Timed like classify_torch.py: every member on an already-normalised float32 NCHW batch, then
 * softmax(z/T) and the mean over members (Ensemble.classifyTensor). Median of repeated runs after
 * two warm-up runs. The tuning section varies one setting at a time (graph optimisation level,
 * intra-op threads, spin-waiting of idle threads, preallocated outputs — the nearest thing to IO binding on the CPU — and one
 * worker with 2 threads vs two workers with 1 thread each) and the end-to-end section times whole
 * crops (preprocessing + transfer + inference) through InferenceWorker. Ends with the time a
 * 3,000-cell slide spends in classification at the best setting.
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

// The machine is shared: engine and PyTorch alternate for `rounds` rounds so both see the same load,
// and each figure is the median over rounds.
const medianTiming = (ts: Timing[]): Timing => {
  const sorted = [...ts].sort((a, b) => a.cellsPerSecond - b.cellsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const engineRounds: Timing[][] = [];
const torchRounds: TorchResult[] = [];
for (let r = 0; r < rounds; r++) {
  engineRounds.push(await timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'all' }));
  const t = tiny ? undefined : runTorch(info.members.length);
  if (t) torchRounds.push(t);
}
const engine = BATCHES.map((_, i) => medianTiming(engineRounds.map((r) => r[i]!)));
const torch: TorchResult | undefined = torchRounds[0] && {
  ...torchRounds[0],
  eager: BATCHES.map((_, i) => medianTiming(torchRounds.map((t) => t.eager[i]!))),
  fusedBatchNorm: BATCHES.map((_, i) => medianTiming(torchRounds.map((t) => t.fusedBatchNorm[i]!))),
};
const W = [6, 12, 10, 13, 10, 13, 10];
console.log(`\n## Ensemble of ${info.members.length}, ${threads} threads: engine (onnxruntime-node, graph 'all') vs PyTorch ${torch ? `${torch.torch} (${torch.weights} weights)` : '(not run)'}, median of ${rounds} alternating rounds`);
console.log(row(['batch', 'engine c/s', 'engine ms', 'torch eager', 'ratio', 'torch fusedBN', 'ratio'], W));
for (const e of engine) {
  const te = torch?.eager.find((t) => t.batch === e.batch);
  const tf = torch?.fusedBatchNorm.find((t) => t.batch === e.batch);
  console.log(
    row(
      [
        e.batch,
        fmt(e.cellsPerSecond),
        fmt(e.medianMs, 2),
        te ? fmt(te.cellsPerSecond) : '-',
        te ? `${fmt(e.cellsPerSecond / te.cellsPerSecond, 2)}×` : '-',
        tf ? fmt(tf.cellsPerSecond) : '-',
        tf ? `${fmt(e.cellsPerSecond / tf.cellsPerSecond, 2)}×` : '-',
      ],
      W,
    ),
  );
}

const results: Record<string, Timing[]> = { engine };
if (!args['no-tune']) {
  const T = [16, 64];
  const variants: [string, () => Promise<Timing[]>][] = [
    [`graph 'disabled', ${threads} threads`, () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'disabled' }, T)],
    [`graph 'basic', ${threads} threads`, () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'basic' }, T)],
    [`graph 'extended', ${threads} threads`, () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'extended' }, T)],
    [`graph 'all', 1 thread`, () => timeEnsemble({ intraOpThreads: 1, graphOptimizationLevel: 'all' }, T)],
    [`graph 'all', ${threads} threads, no spin-wait`, () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'all', allowSpinning: false }, T)],
    [`graph 'all', ${threads} threads, preallocated outputs`, () => timePreallocated(T)],
    [`worker end to end: 1 worker × ${threads} threads`, () => timeWorkers(1, threads, T)],
    [`worker end to end: ${threads} workers × 1 thread`, () => timeWorkers(threads, 1, T)],
  ];
  // Each variant is measured right after a fresh baseline run, so load drift cancels in the ratio.
  const base = () => timeEnsemble({ intraOpThreads: threads, graphOptimizationLevel: 'all' }, T);
  const TW = [52, 10, 10, 10, 10, 9, 9];
  console.log(`\n## Tuning (cells/s; each variant against a baseline — graph 'all', ${threads} threads — measured just before it)`);
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
if (args.json) writeFileSync(args.json, JSON.stringify({ manifestPath, threads, seconds, engine, torch, results, best }, null, 2));
