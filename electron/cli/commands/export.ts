import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cellsToCsv } from '../../core/export/cellsToCsv.js';
import { cellsToGeoJson } from '../../core/export/cellsToGeoJson.js';
import { runCells } from '../../core/export/runCells.js';
import { openCaseStore } from '../../core/store/index.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';

const USAGE = 'marrowscope export <case file> --run ID --format csv|geojson [--out FILE] [--json]';

/** `marrowscope export`: every cell of a run with position, probabilities, predicted and current label. */
const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export the cells of an analysis run as CSV or QuPath GeoJSON',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, { run: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new AppError('VALIDATION_FAILED', `Expected one case file but received ${positionals.length}. Usage: ${USAGE}`);
    const runId = numberOption(values.run, 'run', { integer: true, min: 1 });
    const format = values.format;
    if (format !== 'csv' && format !== 'geojson') throw new AppError('VALIDATION_FAILED', `Expected --format csv or geojson but received ${JSON.stringify(format ?? null)}`);
    const store = openCaseStore(resolve(positionals[0]!), { create: false, readonly: true });
    try {
      const run = store.runs.get(runId);
      const cells = runCells(store, runId);
      const text = format === 'csv' ? cellsToCsv(cells, run.classCodes) : JSON.stringify(cellsToGeoJson(cells, run.classCodes)) + '\n';
      if (values.out) writeFileSync(resolve(values.out), text);
      else ctx.stdout.write(text);
      return 0;
    } finally {
      store.close();
    }
  },
};
export default exportCommand;
