/**
 * Nucleated-cell detection: recall and precision on real smear fields, and speed.
 *
 *   node dist/test/bench/detect_eval.js [--split test|val|train|trainval] [--limit N] [--segpc-limit N]
 *        [--no-segpc] [--no-txl] [--params '{"stainThreshold":0.5}'] [--json FILE] [--dump DIR]
 *
 * TXL-PBC: white cells = class-0 boxes (centres); a detection matches a labelled cell when its
 * centroid lies within 5 µm (greedy one-to-one). Each source at its own µm/px (see SOURCES).
 * SegPC: plasma cells = connected components of mask > 127 at ≈0.2 µm/px; recall only (other
 * nucleated cells are not labelled, so precision is undefined there).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { sharedDataDir } from '../../electron/core/paths.js';
import { RomanowskyCellDetector } from '../../electron/core/detect/RomanowskyCellDetector.js';
import { loadImageFile } from '../../electron/core/detect/loadImageFile.js';
import { matchPoints, detectionScores, type PointXY } from '../../electron/core/detect/matchPoints.js';
import { loadOpenCv } from '../../electron/core/detect/opencv.js';
import type { Detection } from '../../electron/shared/domain/Detection.js';
import type { DetectorImage } from '../../electron/core/detect/CellDetector.js';
import { txlSourceOf, TXL_SOURCES, readTxlWhiteCells, readPlasmaCells, SEGPC_MICRONS_PER_PIXEL } from '../../electron/core/detect/groundTruth.js';

const MATCH_RADIUS_UM = 5;

interface Tally {
  images: number;
  truths: number;
  detections: number;
  tp: number;
  ms: number;
  cpuMs: number;
  /** CPU time of decoding the same images with sharp: the in-run baseline for the ratio column. */
  decodeCpuMs: number;
  /** All detections, also where precision is undefined (for time per cell). */
  found: number;
  megapixels: number;
  msPerImage: number[];
}

function newTally(): Tally {
  return { images: 0, truths: 0, detections: 0, tp: 0, ms: 0, cpuMs: 0, decodeCpuMs: 0, found: 0, megapixels: 0, msPerImage: [] };
}

/** Decodes an image and returns it with the CPU ms the decode took (the baseline for the ratio column). */
async function decodeTimed(file: string): Promise<{ image: DetectorImage; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const image = await loadImageFile(file);
  const cpu = process.cpuUsage(cpu0);
  return { image, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};

async function dumpOverlay(dir: string, name: string, file: string, dets: readonly Detection[], truths: readonly PointXY[], mpp: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const meta = await sharp(file).metadata();
  const r = MATCH_RADIUS_UM / mpp;
  const shapes = [
    ...truths.map((t) => `<circle cx="${t.x / mpp}" cy="${t.y / mpp}" r="${r}" fill="none" stroke="lime" stroke-width="2"/>`),
    ...dets.map((d) => `<polygon points="${d.outline.map((p) => `${p.x},${p.y}`).join(' ')}" fill="none" stroke="yellow" stroke-width="1.5"/>`),
    ...dets.map((d) => `<circle cx="${d.centroid.x}" cy="${d.centroid.y}" r="3" fill="red"/>`),
  ].join('');
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${meta.width}" height="${meta.height}">${shapes}</svg>`);
  await sharp(file).composite([{ input: svg }]).png().toFile(join(dir, name.replace(/\.\w+$/, '.png')));
}

async function evaluate(
  detector: RomanowskyCellDetector,
  file: string,
  image: DetectorImage,
  mpp: number,
  truthsUm: readonly PointXY[],
  tally: Tally,
  precisionCounts: boolean,
  dumpDir: string | undefined,
  name: string,
): Promise<Detection[]> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const dets = await detector.detect(image, { micronsPerPixel: mpp });
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  tally.cpuMs += (cpu.user + cpu.system) / 1000;
  tally.found += dets.length;
  const detUm = dets.map((d) => ({ x: d.centroid.x * mpp, y: d.centroid.y * mpp }));
  const m = matchPoints(detUm, truthsUm, MATCH_RADIUS_UM);
  tally.images++;
  tally.truths += truthsUm.length;
  tally.tp += m.pairs.length;
  if (precisionCounts) tally.detections += dets.length;
  tally.ms += ms;
  tally.msPerImage.push(ms);
  tally.megapixels += (image.width * image.height) / 1e6;
  const bad = m.unmatchedTruths.length > 0 || (precisionCounts && m.unmatchedDetections.length > 0);
  if (dumpDir && bad) await dumpOverlay(dumpDir, name, file, dets, truthsUm, mpp);
  return dets;
}

function row(name: string, mpp: number, t: Tally, withPrecision: boolean): string {
  const s = detectionScores(t.tp, t.truths, t.detections);
  const f = (v: number) => (Number.isNaN(v) ? '—' : v.toFixed(3));
  return `| ${name} | ${Number.isNaN(mpp) ? '—' : mpp} | ${t.images} | ${t.truths} | ${withPrecision ? t.detections : '—'} | ${t.tp} | ${f(s.recall)} | ${withPrecision ? f(s.precision) : '—'} | ${withPrecision ? f(s.f1) : '—'} | ${(t.ms / t.megapixels).toFixed(0)} | ${(t.cpuMs / t.megapixels).toFixed(0)} | ${median(t.msPerImage).toFixed(1)} | ${(t.cpuMs / Math.max(1, t.found)).toFixed(2)} | ${(t.cpuMs / t.decodeCpuMs).toFixed(1)} |`;
}

async function main(): Promise<void> {
  const data = sharedDataDir();
  const txlDir = join(data, 'fields', 'txl-pbc');
  const segDir = join(data, 'fields', 'segpc-train');
  const split = arg('split') ?? 'test';
  const limit = Number(arg('limit') ?? Infinity);
  const segLimit = Number(arg('segpc-limit') ?? Infinity);
  const overrides = arg('params') ? (JSON.parse(arg('params')!) as Record<string, number>) : {};
  const dumpDir = arg('dump');
  const detector = new RomanowskyCellDetector(overrides);
  const tLoad = performance.now();
  await loadOpenCv();
  const loadMs = performance.now() - tLoad;

  const lines: string[] = [];
  const header = '| source | µm/px | images | cells | detections | matched | recall | precision | F1 | wall ms/MP | CPU ms/MP | median wall ms/image | CPU ms/detected cell | detect ÷ JPEG decode (CPU) |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const results: Record<string, unknown> = { split, params: detector.params, openCvLoadMs: Math.round(loadMs) };
  const all = newTally();

  if (!process.argv.includes('--no-txl')) {
    if (!existsSync(txlDir)) throw new Error(`TXL-PBC not found at ${txlDir}`);
    const splits = split === 'trainval' ? ['train', 'val'] : [split];
    const tallies = new Map<string, Tally>();
    const seen = new Map<string, number>();
    for (const sp of splits) {
      for (const name of readdirSync(join(txlDir, 'images', sp)).sort()) {
        const file = join(txlDir, 'images', sp, name);
        const { image, cpuMs: decodeCpuMs } = await decodeTimed(file);
        const source = txlSourceOf(image.width, image.height);
        const count = seen.get(source.name) ?? 0;
        if (count >= limit) continue;
        seen.set(source.name, count + 1);
        const labelText = readFileSync(join(txlDir, 'labels', sp, name.replace(/\.\w+$/, '.txt')), 'utf8');
        const truths = readTxlWhiteCells(labelText, image.width, image.height).map((p) => ({ x: p.x * source.micronsPerPixel, y: p.y * source.micronsPerPixel }));
        const tally = tallies.get(source.name) ?? newTally();
        tallies.set(source.name, tally);
        tally.decodeCpuMs += decodeCpuMs;
        await evaluate(detector, file, image, source.micronsPerPixel, truths, tally, true, dumpDir && join(dumpDir, source.name), `${sp}-${name}`);
      }
    }
    lines.push(`TXL-PBC white cells, split ${split}, match radius ${MATCH_RADIUS_UM} µm`, '', header, sep);
    for (const src of TXL_SOURCES) {
      const t = tallies.get(src.name);
      if (!t) continue;
      lines.push(row(src.name, src.micronsPerPixel, t, true));
      results[src.name] = { ...t, msPerImage: undefined, ...detectionScores(t.tp, t.truths, t.detections), msPerMegapixel: t.ms / t.megapixels };
      all.images += t.images;
      all.truths += t.truths;
      all.detections += t.detections;
      all.tp += t.tp;
      all.ms += t.ms;
      all.cpuMs += t.cpuMs;
      all.decodeCpuMs += t.decodeCpuMs;
      all.found += t.found;
      all.megapixels += t.megapixels;
      all.msPerImage.push(...t.msPerImage);
    }
    lines.push(row('all TXL-PBC', NaN, all, true), '');
    results['allTxl'] = { ...all, msPerImage: undefined, ...detectionScores(all.tp, all.truths, all.detections), msPerMegapixel: all.ms / all.megapixels };
  }

  if (!process.argv.includes('--no-segpc')) {
    if (!existsSync(segDir)) throw new Error(`SegPC not found at ${segDir}`);
    const seg = newTally();
    const segSplit = newTally();
    const segIsolated = newTally();
    const segInside = newTally();
    const segSplitInside = newTally();
    let n = 0;
    const toUm = (p: PointXY) => ({ x: p.x * SEGPC_MICRONS_PER_PIXEL, y: p.y * SEGPC_MICRONS_PER_PIXEL });
    for (const name of readdirSync(join(segDir, 'images')).sort()) {
      if (n++ >= segLimit) break;
      const file = join(segDir, 'images', name);
      const { image, cpuMs: decodeCpuMs } = await decodeTimed(file);
      seg.decodeCpuMs += decodeCpuMs;
      const components = await readPlasmaCells(join(segDir, 'masks', name));
      const truths = components.map(toUm);
      const dets = await evaluate(detector, file, image, SEGPC_MICRONS_PER_PIXEL, truths, seg, false, dumpDir && join(dumpDir, 'segpc'), name);
      // The same detections against masks whose touching cells are split apart (see readPlasmaCells).
      const splitCells = await readPlasmaCells(join(segDir, 'masks', name), { splitTouching: true, points: dets.map((d) => d.centroid) });
      const split = splitCells.map(toUm);
      segSplitInside.truths += splitCells.length;
      segSplitInside.tp += splitCells.filter((c) => c.hitBy).length;
      const detUm = dets.map((d) => toUm(d.centroid));
      segSplit.images++;
      segSplit.truths += split.length;
      segSplit.tp += matchPoints(detUm, split, MATCH_RADIUS_UM).pairs.length;
      // Components that hold one cell: the only ones whose centroid is unambiguously a cell's.
      const isolated = components.filter((c) => c.cellsInComponent === 1).map(toUm);
      segIsolated.images++;
      segIsolated.truths += isolated.length;
      segIsolated.tp += matchPoints(detUm, isolated, MATCH_RADIUS_UM).pairs.length;
      // The components again, found when a detected centroid lies inside the component's mask.
      const inside = await readPlasmaCells(join(segDir, 'masks', name), { points: dets.map((d) => d.centroid) });
      segInside.images++;
      segInside.truths += inside.length;
      segInside.tp += inside.filter((c) => c.hitBy).length;
    }
    lines.push(
      'SegPC plasma cells (recall only; other nucleated cells are unlabelled)',
      '',
      header,
      sep,
      row('SegPC marrow: mask components', SEGPC_MICRONS_PER_PIXEL, seg, false),
      row('SegPC marrow: touching cells split', SEGPC_MICRONS_PER_PIXEL, { ...seg, truths: segSplit.truths, tp: segSplit.tp }, false),
      row('SegPC marrow: isolated cells only', SEGPC_MICRONS_PER_PIXEL, { ...seg, truths: segIsolated.truths, tp: segIsolated.tp }, false),
      row('SegPC marrow: mask components, found = a detected centroid inside the component', SEGPC_MICRONS_PER_PIXEL, { ...seg, truths: segInside.truths, tp: segInside.tp }, false),
      row('SegPC marrow: touching cells split, found = a detected centroid inside the cell', SEGPC_MICRONS_PER_PIXEL, { ...seg, truths: segSplitInside.truths, tp: segSplitInside.tp }, false),
      '',
    );
    results['segpcSplit'] = { truths: segSplit.truths, tp: segSplit.tp, recall: segSplit.tp / segSplit.truths };
    results['segpcIsolated'] = { truths: segIsolated.truths, tp: segIsolated.tp, recall: segIsolated.tp / segIsolated.truths };
    results['segpcInside'] = { truths: segInside.truths, tp: segInside.tp, recall: segInside.tp / segInside.truths };
    results['segpcSplitInside'] = { truths: segSplitInside.truths, tp: segSplitInside.tp, recall: segSplitInside.tp / segSplitInside.truths };
    // Marrow is what the 3,000-cell budget is about: detection CPU time per detected nucleated cell there.
    lines.push(`Projected detection CPU time for 3,000 marrow cells at SegPC density: ${((3000 * seg.cpuMs) / Math.max(1, seg.found) / 1000).toFixed(1)} s (${seg.found} cells detected in ${seg.images} fields).`, '');
    results['segpc'] = { ...seg, msPerImage: undefined, ...detectionScores(seg.tp, seg.truths, seg.detections), msPerMegapixel: seg.ms / seg.megapixels };
  }
  lines.push(`OpenCV.js load: ${loadMs.toFixed(0)} ms (once per process). Timing = detect() only (decode excluded), ${new Date().toISOString().slice(0, 10)}, node ${process.versions.node}.`);
  process.stdout.write(lines.join('\n') + '\n');
  const jsonOut = arg('json');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
}

await main();
