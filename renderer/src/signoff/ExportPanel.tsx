import { useEffect, useState } from 'react';
import type { ExportFormat, SignoffView } from '../../../electron/shared/api/signoffViews.js';
import { FORMAT_LABELS, useSignoffStore } from '../state/useSignoffStore';

const FORMATS: readonly ExportFormat[] = ['pdf', 'csv', 'fhir', 'geojson', 'bundle'];
const HINTS: Readonly<Record<ExportFormat, string>> = {
  pdf: 'The report to file or print',
  csv: 'The differential and one file per cell list',
  fhir: 'DiagnosticReport + Observations (LOINC) for the LIS',
  geojson: 'Every cell with its class, for QuPath',
  bundle: 'One file holding the whole case, for a second opinion',
};

/**
 * Export buttons: each writes into the chosen folder (by default "reports" beside the case file),
 * never over an existing file, and the host records each file's sha256 in the audit trail. Before
 * a signature every report is a draft and says so.
 */
export function ExportPanel({ status }: { status: SignoffView }) {
  const { exportAs, exporting, exports } = useSignoffStore();
  const [directory, setDirectory] = useState(status.defaultExportDirectory ?? '');
  useEffect(() => setDirectory(status.defaultExportDirectory ?? ''), [status.defaultExportDirectory]);
  const draft = !status.locked;
  return (
    <section className="panel export-panel" aria-labelledby="export-title" data-testid="export-panel">
      <h2 id="export-title">Export</h2>
      {draft && <p className="banner-warn small">Not signed: reports are exported as DRAFT on every page.</p>}
      <label className="stacked">
        Folder
        <input type="text" value={directory} onChange={(e) => setDirectory(e.target.value)} spellCheck={false} data-testid="export-directory" />
      </label>
      <div className="export-buttons">
        {FORMATS.map((f) => (
          <button key={f} type="button" className="btn" disabled={exporting !== null || !directory.trim()} onClick={() => void exportAs(f, directory.trim())} title={HINTS[f]} data-testid={`export-${f}`}>
            {exporting === f ? 'Writing…' : FORMAT_LABELS[f]}
            {f !== 'bundle' && draft && <span className="chip">draft</span>}
          </button>
        ))}
      </div>
      {exports.length > 0 && (
        <ul className="export-list small" aria-label="Files exported in this session" data-testid="export-list">
          {exports.flatMap((e) =>
            e.files.map((file) => (
              <li key={file.path}>
                <code>{file.path}</code> · {(file.bytes / 1024).toFixed(1)} KiB · sha256 <code title={file.sha256}>{file.sha256.slice(0, 12)}…</code>
              </li>
            )),
          )}
        </ul>
      )}
    </section>
  );
}
