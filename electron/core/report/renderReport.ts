import { cellsToGeoJson } from '../export/cellsToGeoJson.js';
import { runCells } from '../export/runCells.js';
import type { CaseStore } from '../store/index.js';
import type { BuildReportOptions } from './buildReportModel.js';
import { buildReportModel } from './buildReportModel.js';
import { renderReportPdf } from './renderReportPdf.js';
import type { ReportModel } from './ReportModel.js';
import { reportToCsv } from './reportToCsv.js';
import { reportToFhir } from './reportToFhir.js';

/** The report formats. */
export type ReportFormat = 'pdf' | 'csv' | 'fhir' | 'geojson';

/** The formats, for validation and help text. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['pdf', 'csv', 'fhir', 'geojson'];

/** One rendered file: `suffix` goes before the extension of the chosen output name ("" for the main file). */
export interface RenderedFile {
  readonly suffix: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

/** A rendered report: its files and the model they were made from. */
export interface RenderedReport {
  readonly format: ReportFormat;
  readonly model: ReportModel;
  readonly files: readonly RenderedFile[];
}

/**
 * Renders a run's report in memory (the UI's preview; nothing is written or audited). A final
 * report is refused unless the run's latest version is signed and verifies (see buildReportModel).
 */
export async function renderReport(store: CaseStore, runId: number, format: ReportFormat, options: BuildReportOptions): Promise<RenderedReport> {
  const model = buildReportModel(store, runId, options);
  switch (format) {
    case 'pdf':
      return { format, model, files: [{ suffix: '', mediaType: 'application/pdf', bytes: await renderReportPdf(model) }] };
    case 'csv': {
      const cells = [...runCells(store, runId)];
      return { format, model, files: reportToCsv(model, cells).map((f) => ({ suffix: f.suffix, mediaType: 'text/csv', bytes: Buffer.from(f.text, 'utf8') })) };
    }
    case 'fhir':
      return { format, model, files: [{ suffix: '', mediaType: 'application/fhir+json', bytes: Buffer.from(JSON.stringify(reportToFhir(model), null, 2) + '\n', 'utf8') }] };
    case 'geojson': {
      const geo = cellsToGeoJson(runCells(store, runId), model.run.classCodes);
      return { format, model, files: [{ suffix: '', mediaType: 'application/geo+json', bytes: Buffer.from(JSON.stringify(geo) + '\n', 'utf8') }] };
    }
  }
}
