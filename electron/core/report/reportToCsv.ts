import { cellsToCsv } from '../export/cellsToCsv.js';
import type { CellRecord } from '../store/index.js';
import type { ReportModel } from './ReportModel.js';
import { formatPercent } from './formatReportNumbers.js';

/** One CSV file of a report: `suffix` is added to the output name before ".csv" ("" for the differential itself). */
export interface CsvFile {
  readonly suffix: string;
  readonly text: string;
}

/** RFC 4180 quoting: fields with commas, quotes or line breaks are quoted, quotes doubled. */
export function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const line = (fields: readonly (string | number | null)[]): string => fields.map(csvField).join(',');

/**
 * The report as CSV: the differential (one row per category, counted and not counted), a summary
 * (key, value: NDC total, M:E, status, signatures), and one file per cell list: every cell, the
 * cells a reviewer relabelled, deferred cells, and the second reviewer's disagreements.
 */
export function reportToCsv(model: ReportModel, cells: readonly CellRecord[]): CsvFile[] {
  const d = model.differential;
  const rows = [line(['category', 'name', 'in_ndc', 'count', 'percent', 'ci95_low', 'ci95_high', 'codes', 'typical_low', 'typical_high', 'versus_typical'])];
  for (const r of d.rows) {
    rows.push(
      line([
        r.category, r.name, 'yes', r.count, r.percent === null ? '' : formatPercent(r.percent),
        r.interval ? r.interval.low.toFixed(1) : '', r.interval ? r.interval.high.toFixed(1) : '',
        r.codes.map((c) => `${c.code}:${c.count}`).join(' '), r.referenceRange?.low ?? '', r.referenceRange?.high ?? '', r.versusReference ?? '',
      ]),
    );
  }
  for (const r of d.excluded) rows.push(line([r.category, r.name, 'no', r.count, '', '', '', r.codes.map((c) => `${c.code}:${c.count}`).join(' '), '', '', '']));

  const summary: [string, string | number][] = [
    ['status', model.final ? 'final' : 'draft'],
    ['version', model.version?.version ?? ''],
    ['case_number', model.caseDetails?.caseNumber ?? ''],
    ['patient_id', model.caseDetails?.patientId ?? ''],
    ['run_id', model.run.id],
    ['slide', model.slide.path.split(/[\\/]/).pop() ?? ''],
    ['regions', model.regions.count],
    ['cells_detected', model.cellsDetected],
    ['ndc_total', d.ndcTotal],
    ['me_ratio', d.meRatio.ratio === null ? '' : d.meRatio.ratio.toFixed(2)],
    ['me_display', d.meRatio.display],
    ['me_convention', d.meRatio.convention],
    ['blast_definition', model.choice.blastDefinition],
    ['deferred_cells', model.review.deferredCells],
    ['model', `${model.model.name ?? 'unknown'} ${model.model.version ?? ''}`.trim()],
    ['manifest_sha256', model.model.manifestHash],
    ['app_version', model.appVersion],
    ['audit_head_seq', model.audit.headSeq],
    ['audit_head_sha256', model.audit.headHash],
    ...model.signatures.map((s, i): [string, string] => [`signature_${i + 1}`, `${s.printedName} (${s.initials}), ${s.role}, ${s.capacity}, ${s.meaning}, ${s.signedAt}`]),
    ...d.flags.map((f, i): [string, string] => [`threshold_note_${i + 1}`, f.message]),
  ];
  const relabelled = cells.filter((c) => c.reviewed && c.labelCode !== c.predictedCode);
  const deferred = cells.filter((c) => c.labelCode === 'DEFER');
  const codes = model.run.classCodes;
  const files: CsvFile[] = [
    { suffix: '', text: rows.join('\n') + '\n' },
    { suffix: '-summary', text: [line(['key', 'value']), ...summary.map(([k, v]) => line([k, v]))].join('\n') + '\n' },
    { suffix: '-cells', text: cellsToCsv(cells, codes) },
    { suffix: '-relabelled', text: cellsToCsv(relabelled, codes) },
    { suffix: '-deferred', text: cellsToCsv(deferred, codes) },
  ];
  if (model.disagreements.length > 0) {
    files.push({
      suffix: '-disagreements',
      text: [line(['cell_id', 'signed_code', 'second_reviewer_code', 'note']), ...model.disagreements.map((x) => line([x.cellId, x.signedCode, x.proposedCode, x.note]))].join('\n') + '\n',
    });
  }
  return files;
}
