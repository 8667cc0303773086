import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { classifyImageFiles } from '../../core/infer/classifyImageFiles.js';
import { parseCsv } from '../../core/infer/csv.js';
import { evaluationLabels, groupPrediction, mapTruth } from '../../core/infer/evaluationLabels.js';
import { classificationMetrics, type ClassificationMetrics } from '../../core/infer/metrics.js';
import { AppError } from '../../shared/errors/AppError.js';
import { validate } from '../../shared/errors/validate.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';
import { ENGINE_OPTIONS, startEngine } from './classify.js';

const labelMapSchema = z.record(z.string(), z.string());

async function readMap(path: string, option: string): Promise<Record<string, string>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', `Cannot read --${option} ${path} as JSON: ${(err as Error).message}`);
  }
  return validate(labelMapSchema, json, option);
}

function countInto(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** `marrowscope evaluate`: classifies a labelled image set and reports accuracy, F1, AUC, ECE and the confusion matrix. */
const evaluate: CliCommand = {
  name: 'evaluate',
  summary: 'Score the model ensemble on a labelled image set',
  usage:
    'marrowscope evaluate --mpp <µm/px> --labels FILE.csv --root DIR [--label-column label] [--file-column file] [--map FILE.json] [--pred-map FILE.json] [--model models/manifest.json] [--out metrics.json] [--batch N] [--json]',
  async run(ctx) {
    const { values } = parseArgs(
      ctx.argv,
      {
        ...ENGINE_OPTIONS,
        labels: { type: 'string' },
        root: { type: 'string' },
        'label-column': { type: 'string' },
        'file-column': { type: 'string' },
        map: { type: 'string' },
        'pred-map': { type: 'string' },
        out: { type: 'string' },
      },
      false,
    );
    const mpp = numberOption(values.mpp, 'mpp', { min: Number.MIN_VALUE });
    if (!values.labels) throw new AppError('VALIDATION_FAILED', 'Missing required option --labels');
    if (!values.root) throw new AppError('VALIDATION_FAILED', 'Missing required option --root');
    const labelColumn = values['label-column'] ?? 'label';
    const fileColumn = values['file-column'] ?? 'file';
    let text: string;
    try {
      text = await readFile(values.labels, 'utf8');
    } catch (err) {
      throw new AppError('NOT_FOUND', `Cannot read --labels ${values.labels}: ${(err as Error).message}`);
    }
    const csv = parseCsv(text, values.labels);
    for (const col of [labelColumn, fileColumn]) {
      if (!csv.columns.includes(col)) throw new AppError('VALIDATION_FAILED', `Column "${col}" not in ${values.labels}; it has ${csv.columns.join(', ')}`);
    }
    const labelMap = values.map ? await readMap(values.map, 'map') : undefined;
    const predMap = values['pred-map'] ? await readMap(values['pred-map'], 'pred-map') : undefined;

    const { worker, batch } = await startEngine(values);
    const started = performance.now();
    const unmapped: Record<string, number> = {};
    const notEvaluated: Record<string, number> = {};
    const unreadable: Record<string, number> = {};
    const truth: number[] = [];
    const predicted: number[] = [];
    const scores: number[][] = [];
    const confidence: number[] = [];
    let metrics: ClassificationMetrics;
    const info = worker.info;
    const labels = evaluationLabels(
      info.classes.map((c) => c.code),
      predMap,
    );
    try {
      const samples: { file: string; index: number }[] = [];
      for (const row of csv.rows) {
        const m = mapTruth(row[labelColumn]!, labels, labelMap, predMap);
        if ('excluded' in m) countInto(m.excluded === 'unmapped' ? unmapped : notEvaluated, m.label);
        else samples.push({ file: row[fileColumn]!, index: m.index });
      }
      const files = samples.map((s) => (isAbsolute(s.file) ? s.file : join(values.root!, s.file)));
      let i = 0;
      for await (const r of classifyImageFiles(worker, files, mpp, batch)) {
        const sample = samples[i++]!;
        if (!r.prediction) {
          countInto(unreadable, r.error.code);
          ctx.stderr.write(`marrowscope: ${r.error.code}: ${r.error.message}\n`);
          continue;
        }
        const g = groupPrediction(r.prediction, labels);
        truth.push(sample.index);
        predicted.push(g.predicted);
        scores.push(g.scores);
        confidence.push(g.confidence);
      }
      metrics = classificationMetrics({ labels: labels.labels, truth, predicted, scores, confidence });
    } finally {
      await worker.terminate();
    }
    const report = {
      model: { name: info.name, version: info.version, manifest: info.manifestPath, provider: info.provider },
      data: { labels: values.labels, root: values.root, labelColumn, map: values.map ?? null, predictionMap: values['pred-map'] ?? null, micronsPerPixel: mpp },
      rows: csv.rows.length,
      evaluated: metrics.count,
      excluded: { unmapped, notEvaluated, unreadable },
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      metrics,
    };
    if (values.out) await writeFile(values.out, JSON.stringify(report, null, 2) + '\n');
    ctx.stdout.write(values.json ? JSON.stringify(report) + '\n' : formatReport(report));
    return 0;
  },
};
export default evaluate;

const f3 = (v: number | null): string => (v === null ? '  n/a' : v.toFixed(3));

function formatReport(r: { rows: number; evaluated: number; excluded: Record<string, Record<string, number>>; seconds: number; metrics: ClassificationMetrics; model: { name: string; version: string; provider: string } }): string {
  const m = r.metrics;
  const w = Math.max(8, ...m.labels.map((l) => l.length));
  const cw = Math.max(6, ...m.labels.map((l) => l.length + 1));
  const lines = [
    `Model ${r.model.name} ${r.model.version} on ${r.model.provider}: ${r.evaluated} of ${r.rows} rows evaluated in ${r.seconds} s`,
    '',
    `${'class'.padEnd(w)}  support  precision  recall     F1    AUC`,
    ...m.perClass.map((c) => `${c.label.padEnd(w)}  ${String(c.support).padStart(7)}  ${f3(c.precision).padStart(9)}  ${f3(c.recall).padStart(6)}  ${f3(c.f1).padStart(5)}  ${f3(c.auc).padStart(5)}`),
    '',
    `accuracy           ${f3(m.accuracy)}`,
    `balanced accuracy  ${f3(m.balancedAccuracy)}`,
    `macro F1           ${f3(m.macroF1)}`,
    `macro AUC (OvR)    ${f3(m.macroAuc)}`,
    `ECE (15 bins)      ${f3(m.ece)}`,
    '',
    `confusion (rows: truth, columns: predicted)`,
    `${''.padEnd(w)} ${m.labels.map((l) => l.padStart(cw)).join('')}`,
    ...m.confusion.map((row, i) => `${m.labels[i]!.padEnd(w)} ${row.map((v) => String(v).padStart(cw)).join('')}`),
  ];
  for (const [why, counts] of Object.entries(r.excluded)) {
    const entries = Object.entries(counts);
    if (entries.length) lines.push('', `excluded (${why}): ${entries.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
