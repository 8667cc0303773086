import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { AppError } from '../../shared/errors/AppError.js';
import type { CaseStore } from '../store/index.js';
import type { BuildReportOptions } from './buildReportModel.js';
import type { ReportFormat, RenderedReport } from './renderReport.js';
import { renderReport } from './renderReport.js';

/** A written report file. */
export interface WrittenFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Where each rendered file goes: the chosen name, and siblings with the file's suffix before the extension. */
export function reportFilePaths(outPath: string, suffixes: readonly string[]): string[] {
  const ext = extname(outPath);
  const stem = basename(outPath, ext);
  return suffixes.map((s) => (s === '' ? outPath : join(dirname(outPath), `${stem}${s}${ext}`)));
}

/**
 * Renders a run's report, writes its file(s) (each to a temporary name, then renamed, so a crash
 * never leaves half a report), and records the export in the audit log with each file's sha256,
 * the format, final or draft, and the signed version. Refuses to overwrite unless `overwrite`.
 */
export async function exportReport(
  store: CaseStore,
  runId: number,
  format: ReportFormat,
  outPath: string,
  options: BuildReportOptions & { actor?: string; overwrite?: boolean },
): Promise<{ report: RenderedReport; files: WrittenFile[] }> {
  const report = await renderReport(store, runId, format, options);
  const paths = reportFilePaths(outPath, report.files.map((f) => f.suffix));
  if (!options.overwrite) {
    const taken = paths.find((p) => existsSync(p));
    if (taken) throw new AppError('VALIDATION_FAILED', `Expected a new file for the report but ${taken} already exists (choose another --out or pass --force)`);
  }
  const files = report.files.map((f, i) => {
    const path = paths[i] as string;
    const tmp = `${path}.partial`;
    writeFileSync(tmp, f.bytes);
    renameSync(tmp, path);
    return { path, bytes: f.bytes.length, sha256: createHash('sha256').update(f.bytes).digest('hex') };
  });
  store.transaction(() =>
    store.audit.append({
      ...(options.actor ? { actor: options.actor } : {}),
      action: 'report.export',
      entity: `run:${runId}`,
      payload: {
        runId,
        format,
        final: report.model.final,
        version: report.model.version?.version ?? null,
        snapshotHash: report.model.final ? (report.model.version?.snapshotHash ?? null) : null,
        files: files.map((f) => ({ file: basename(f.path), bytes: f.bytes, sha256: f.sha256 })),
        file: basename(outPath),
      },
    }),
  );
  return { report, files };
}
