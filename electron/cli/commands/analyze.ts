import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openSlide } from '../../../native/lib/index.js';
import { computeDifferential } from '../../shared/domain/differential/index.js';
import { AppError } from '../../shared/errors/AppError.js';
import { planManualRegions, planProposedRegions } from '../../core/analysis/planRegions.js';
import { runAnalysis } from '../../core/analysis/runAnalysis.js';
import { defaultManifestPath } from '../../core/paths.js';
import { parseRoiGeoJson } from '../../core/regions/parseRoiGeoJson.js';
import { proposeRegions } from '../../core/regions/proposeRegions.js';
import { SlideRegistry } from '../../core/slide/SlideRegistry.js';
import { openCaseStore } from '../../core/store/index.js';
import type { CliCommand } from '../CliContext.js';
import { formatDifferential } from '../format/formatDifferential.js';
import { progressLine } from '../format/progressBar.js';
import { numberOption, parseArgs } from '../parseArgs.js';

const USAGE =
  'marrowscope analyze <slide> --db FILE [--roi FILE.geojson | --auto-roi [--regions N]] [--max-cells N] [--model manifest.json] [--threads N] [--json]';

/** `marrowscope analyze`: detect, crop, classify and store every cell of the chosen regions; prints the differential. */
const analyze: CliCommand = {
  name: 'analyze',
  summary: 'Analyse a slide into a case file: regions, cells, classes, differential',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, {
      db: { type: 'string' },
      roi: { type: 'string' },
      'auto-roi': { type: 'boolean' },
      regions: { type: 'string' },
      'max-cells': { type: 'string' },
      model: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new AppError('VALIDATION_FAILED', `Expected exactly one slide path but received ${positionals.length}. Usage: ${USAGE}`);
    if (!values.db) throw new AppError('VALIDATION_FAILED', `Missing required option --db. Usage: ${USAGE}`);
    if (values.roi && values['auto-roi']) throw new AppError('VALIDATION_FAILED', 'Give either --roi or --auto-roi, not both');
    // With a cell cap and no region count, propose generously (best first, neighbours allowed) and let the cap stop the run, as DeepHeme counts up to 3,000 cells.
    const capDriven = values.regions === undefined && values['max-cells'] !== undefined;
    const regionCount = values.regions === undefined ? (capDriven ? 400 : 10) : numberOption(values.regions, 'regions', { integer: true, min: 1 });
    const maxCells = values['max-cells'] === undefined ? null : numberOption(values['max-cells'], 'max-cells', { integer: true, min: 1 });
    const threads = values.threads === undefined ? undefined : numberOption(values.threads, 'threads', { integer: true, min: 1 });
    const manifestPath = resolve(values.model ?? defaultManifestPath());
    const json = values.json === true;

    const registry = new SlideRegistry();
    const slidePath = resolve(positionals[0]!);
    const slide = await registry.info(slidePath);
    registry.closeAll();

    // Regions: the user's drawing, else automatic proposals (the default, as DeepHeme does).
    let regions;
    let roiSource: Record<string, unknown>;
    if (values.roi) {
      let geojson: unknown;
      try {
        geojson = JSON.parse(readFileSync(resolve(values.roi), 'utf8'));
      } catch (err) {
        throw new AppError('VALIDATION_FAILED', `Cannot read --roi ${values.roi} as JSON: ${(err as Error).message}`);
      }
      const rois = parseRoiGeoJson(geojson, { width: slide.width, height: slide.height });
      regions = planManualRegions(rois);
      roiSource = { kind: 'manual', file: resolve(values.roi), rois: rois.map((r) => ({ id: r.id, bounds: r.bounds })) };
    } else {
      const handle = await openSlide(slidePath);
      try {
        const proposed = await proposeRegions(handle, { count: regionCount, ...(capDriven ? { minSeparationUm: 0 } : {}) });
        regions = planProposedRegions(proposed.proposals);
        roiSource = { kind: 'automatic', count: regionCount, capDriven };
      } finally {
        handle.close();
      }
    }

    const store = openCaseStore(resolve(values.db));
    const tty = !json && (ctx.stderr as NodeJS.WriteStream).isTTY === true;
    try {
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      const outcome = await runAnalysis(
        store,
        {
          slide,
          manifestPath,
          regions,
          maxCells,
          parameters: { roi: roiSource, regionSize: 512, detector: 'romanowsky-classical@1' },
          ...(threads ? { intraOpThreads: threads } : {}),
        },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (tty) ctx.stderr.write(`\r${progressLine(p)}`);
          },
        },
      ).finally(() => process.off('SIGINT', onSigint));
      if (tty) ctx.stderr.write('\n');
      const differential = computeDifferential(store.cells.currentLabelCounts(outcome.runId));
      if (json) {
        ctx.stdout.write(JSON.stringify({ runId: outcome.runId, status: outcome.status, resumed: outcome.resumed, alreadyComplete: outcome.alreadyComplete, regions: outcome.regions, cells: outcome.cells, provider: outcome.provider, timingsMs: outcome.timings, differential }) + '\n');
      } else {
        ctx.stdout.write(
          `Run ${outcome.runId} ${outcome.status}${outcome.resumed ? ' (resumed)' : ''}${outcome.alreadyComplete ? ' (already analysed; nothing redone)' : ''}: ${outcome.cells} cells in ${outcome.regions} regions (provider ${outcome.provider})\n` +
            formatDifferential(differential) +
            'Research use only: not for clinical diagnosis. The model cannot predict blasts, plasma cells, pronormoblasts, mast cells or megakaryocytes.\n',
        );
      }
      return outcome.status === 'completed' ? 0 : 130;
    } finally {
      store.close();
    }
  },
};
export default analyze;
