import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { defaultManifestPath } from '../../core/paths.js';
import { classifyImageFiles } from '../../core/infer/classifyImageFiles.js';
import { csvLine } from '../../core/infer/csv.js';
import { InferenceWorker } from '../../core/infer/InferenceWorker.js';
import { listImageFiles } from '../../core/infer/listImageFiles.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';

/** Options shared by classify and evaluate for loading and running the ensemble. */
export const ENGINE_OPTIONS = {
  model: { type: 'string' },
  mpp: { type: 'string' },
  batch: { type: 'string' },
  threads: { type: 'string' },
  providers: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Starts the inference worker from parsed --model/--batch/--threads/--providers values. */
export async function startEngine(values: { model?: string; batch?: string; threads?: string; providers?: string }): Promise<{ worker: InferenceWorker; batch: number }> {
  const batch = values.batch === undefined ? 64 : numberOption(values.batch, 'batch', { integer: true, min: 1 });
  const threads = values.threads === undefined ? undefined : numberOption(values.threads, 'threads', { integer: true, min: 1 });
  const providers = values.providers?.split(',').map((p) => p.trim()).filter(Boolean);
  const worker = await InferenceWorker.start(values.model ?? defaultManifestPath(), {
    maxBatch: batch,
    ...(threads !== undefined ? { intraOpThreads: threads } : {}),
    ...(providers ? { providers } : {}),
  });
  return { worker, batch };
}

/** `marrowscope classify`: one CSV row per image with the ensemble's class, uncertainty and per-class probabilities. */
const classify: CliCommand = {
  name: 'classify',
  summary: 'Classify cell images with the model ensemble (CSV out)',
  usage:
    'marrowscope classify [--model models/manifest.json] --mpp <µm/px of the images> [--out FILE.csv] [--batch N] [--threads N] [--providers cuda,cpu] [--json] <image files or folders>',
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, { ...ENGINE_OPTIONS, out: { type: 'string' } });
    const mpp = numberOption(values.mpp, 'mpp', { min: Number.MIN_VALUE });
    if (positionals.length === 0) throw new AppError('VALIDATION_FAILED', 'Expected at least one image file or folder');
    const files = await listImageFiles(positionals);
    const file = values.out
      ? await open(values.out, 'w').catch((err: Error) => {
          throw new AppError('VALIDATION_FAILED', `Cannot write --out ${values.out}: ${err.message}`);
        })
      : undefined;
    const { worker, batch } = await startEngine(values).catch(async (err: unknown) => {
      await file?.close();
      throw err;
    });
    const out = file ? file.createWriteStream() : ctx.stdout;
    const started = performance.now();
    let classified = 0;
    const failed: Record<string, number> = {};
    try {
      const classes = worker.info.classes;
      const write = async (line: string) => {
        if (!out.write(line)) await once(out, 'drain');
      };
      await write(csvLine(['file', 'code', 'name', 'probability', 'entropy', 'mutual_information', 'agreement', ...classes.map((c) => c.code), 'error']));
      for await (const row of classifyImageFiles(worker, files, mpp, batch)) {
        if (row.prediction) {
          const p = row.prediction;
          classified++;
          await write(
            csvLine([row.file, p.code, classes[p.classIndex]!.name, fmt(p.probability), fmt(p.entropy), fmt(p.mutualInformation), fmt(p.agreement), ...p.probabilities.map(fmt), '']),
          );
        } else {
          failed[row.error.code] = (failed[row.error.code] ?? 0) + 1;
          await write(csvLine([row.file, '', '', '', '', '', '', ...classes.map(() => ''), row.error.code]));
          if (!values.json) ctx.stderr.write(`marrowscope: ${row.error.code}: ${row.error.message}\n`);
        }
      }
    } finally {
      await worker.terminate();
      if (file) {
        out.end();
        await once(out, 'close');
      }
    }
    const summary = {
      model: `${worker.info.name} ${worker.info.version}`,
      provider: worker.info.provider,
      files: files.length,
      classified,
      failed,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    };
    if (values.json) ctx.stderr.write(JSON.stringify({ summary }) + '\n');
    else {
      const nFailed = files.length - classified;
      ctx.stderr.write(`Classified ${classified} of ${files.length} images (${nFailed} failed) with ${summary.model} on ${summary.provider} in ${summary.seconds} s\n`);
    }
    return 0;
  },
};
export default classify;

// Six significant digits: plenty for probabilities, and keeps the CSV readable.
function fmt(v: number): string {
  return Number(v.toPrecision(6)).toString();
}
