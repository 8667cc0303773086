import { resolve } from 'node:path';
import { defaultManifestPath } from '../../core/paths.js';
import type { ReportFormat } from '../../core/report/index.js';
import { exportReport, REPORT_FORMATS } from '../../core/report/index.js';
import { packageVersion } from '../../core/report/packageVersion.js';
import { osUserName } from '../../core/signoff/osUserName.js';
import { openCaseStore } from '../../core/store/index.js';
import type { BlastDefinitionName, MeConvention } from '../../shared/domain/differential/index.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';

const USAGE = [
  'marrowscope report <case file> --run ID --format pdf|csv|fhir|geojson --out FILE [--draft] [--force] [--model manifest.json]',
  '                   [--blast-definition NAME] [--me-convention NAME] (drafts only) [--json]',
  'marrowscope report details <case file> [--case-number X] [--patient-id X] [--patient-name X] [--birth-date YYYY-MM-DD] [--specimen X] [--clinician X] [--json]',
  'A final report needs the run signed (marrowscope sign); --draft prints the current, unsigned state marked DRAFT.',
].join('\n  ');

/** `marrowscope report`: the signed (or draft) differential as PDF, CSV, FHIR R4 or QuPath GeoJSON; case identifiers. */
const report: CliCommand = {
  name: 'report',
  summary: 'Write the report of a signed (or draft) differential as PDF, CSV, FHIR R4 JSON or QuPath GeoJSON',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, {
      run: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      draft: { type: 'boolean' },
      force: { type: 'boolean' },
      model: { type: 'string' },
      'blast-definition': { type: 'string' },
      'me-convention': { type: 'string' },
      'case-number': { type: 'string' },
      'patient-id': { type: 'string' },
      'patient-name': { type: 'string' },
      'birth-date': { type: 'string' },
      specimen: { type: 'string' },
      clinician: { type: 'string' },
      json: { type: 'boolean' },
    });
    const json = values.json === true;
    if (positionals[0] === 'details' && positionals.length === 2) {
      const store = openCaseStore(resolve(positionals[1]!), { create: false });
      try {
        const fields = {
          ...(values['case-number'] !== undefined ? { caseNumber: values['case-number'] } : {}),
          ...(values['patient-id'] !== undefined ? { patientId: values['patient-id'] } : {}),
          ...(values['patient-name'] !== undefined ? { patientName: values['patient-name'] } : {}),
          ...(values['birth-date'] !== undefined ? { birthDate: values['birth-date'] } : {}),
          ...(values.specimen !== undefined ? { specimen: values.specimen } : {}),
          ...(values.clinician !== undefined ? { clinician: values.clinician } : {}),
        };
        const details = Object.keys(fields).length === 0 ? store.caseDetails.current() : store.caseDetails.set(fields, osUserName());
        if (json) ctx.stdout.write(JSON.stringify({ details }) + '\n');
        else ctx.stdout.write(details === null ? 'No case details entered.\n' : `Case ${details.caseNumber ?? '—'}; patient ${details.patientName ?? '—'} (${details.patientId ?? '—'}), born ${details.birthDate ?? '—'}; specimen ${details.specimen ?? '—'}; clinician ${details.clinician ?? '—'}\n`);
        return 0;
      } finally {
        store.close();
      }
    }
    if (positionals.length !== 1) throw new AppError('VALIDATION_FAILED', `Expected one case file but received ${positionals.length}. Usage:\n  ${USAGE}`);
    const runId = numberOption(values.run, 'run', { integer: true, min: 1 });
    const format = values.format as ReportFormat | undefined;
    if (format === undefined || !REPORT_FORMATS.includes(format)) {
      throw new AppError('VALIDATION_FAILED', `Expected --format ${REPORT_FORMATS.join('|')} but received ${JSON.stringify(values.format ?? null)}`);
    }
    if (!values.out) throw new AppError('VALIDATION_FAILED', `Missing required option --out FILE. Usage:\n  ${USAGE}`);
    const differential =
      values['blast-definition'] || values['me-convention']
        ? {
            ...(values['blast-definition'] ? { blastDefinition: values['blast-definition'] as BlastDefinitionName } : {}),
            ...(values['me-convention'] ? { meConvention: values['me-convention'] as MeConvention } : {}),
          }
        : undefined;
    const store = openCaseStore(resolve(positionals[0]!), { create: false, actor: osUserName() });
    try {
      const { report: r, files } = await exportReport(store, runId, format, resolve(values.out), {
        draft: values.draft === true,
        overwrite: values.force === true,
        appVersion: packageVersion(),
        manifestPaths: [...(values.model ? [resolve(values.model)] : []), defaultManifestPath()],
        ...(differential ? { differential } : {}),
      });
      if (json) ctx.stdout.write(JSON.stringify({ format, final: r.model.final, version: r.model.version?.version ?? null, files }) + '\n');
      else for (const f of files) ctx.stdout.write(`${r.model.final ? 'Final' : 'DRAFT'} ${format} report: ${f.path} (${f.bytes} bytes, sha256 ${f.sha256})\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
export default report;
