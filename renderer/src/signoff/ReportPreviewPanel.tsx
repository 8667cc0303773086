import type { ReportPreview } from '../../../electron/shared/api/signoffViews.js';
import { pixelUrl } from '../api';
import { BLAST_DEFINITION_LABELS, ME_LABELS } from '../differential/conventionLabels';
import { describeSignature } from './SignoffPanel';
import { DifferentialTableHead } from '../differential/DifferentialTableHead';
import { formatNumber as fmt } from '../differential/formatNumber';

/**
 * The report as every format prints it (the host builds one report model for the PDF, CSV, FHIR and
 * this preview): identifiers, slide, regions, the differential with intervals, M:E ratio, threshold
 * notes, representative cells, model, signatures and limitations. A draft says so at the top.
 */
export function ReportPreviewPanel({ preview }: { preview: ReportPreview }) {
  const d = preview.differential;
  const c = preview.caseDetails;
  return (
    <article className="report-paper" aria-label={preview.final ? `Final report, version ${preview.version}` : 'Draft report'} data-testid="report-preview" data-final={preview.final}>
      <header className="report-head">
        <div>
          <h1>Bone marrow aspirate — nucleated differential</h1>
          <div className="small muted">
            Generated {new Date(preview.generatedAt).toLocaleString()} · Marrowscope {preview.appVersion}
          </div>
        </div>
        <div className={preview.final ? 'report-badge report-final' : 'report-badge report-draft'}>{preview.final ? `FINAL · version ${preview.version}` : 'DRAFT — not signed'}</div>
      </header>
      <p className="report-ruo" role="note">
        Research use only — not for clinical diagnosis.
      </p>
      <dl className="facts report-facts">
        <dt>Case</dt>
        <dd>{c.caseNumber ?? '—'}</dd>
        <dt>Patient</dt>
        <dd>
          {c.patientName ?? '—'}
          {c.patientId && ` · ID ${c.patientId}`}
          {c.birthDate && ` · born ${c.birthDate}`}
        </dd>
        <dt>Specimen</dt>
        <dd>{c.specimen ?? '—'}</dd>
        <dt>Clinician</dt>
        <dd>{c.clinician ?? '—'}</dd>
        <dt>Slide</dt>
        <dd title={preview.slide.quickHash}>
          {preview.slide.name} · {preview.slide.vendor} · {preview.slide.width.toLocaleString()} × {preview.slide.height.toLocaleString()} px
          {preview.slide.mpp ? ` · ${preview.slide.mpp.x.toFixed(3)} µm/px` : ' · uncalibrated'}
          {preview.slide.objectivePower ? ` · ${preview.slide.objectivePower}×` : ''}
        </dd>
        <dt>Counted</dt>
        <dd>
          {preview.regions.count} region{preview.regions.count === 1 ? '' : 's'} ({preview.regions.manual} drawn, {preview.regions.automatic} automatic)
          {preview.regions.areaMm2 !== null && ` · ${preview.regions.areaMm2.toFixed(3)} mm²`} · {preview.cellsDetected.toLocaleString()} cells detected ·{' '}
          {preview.review.reviewedCells.toLocaleString()} reviewed, {preview.review.relabelledCells.toLocaleString()} relabelled, {preview.review.deferredCells} deferred
        </dd>
      </dl>
      <table className="table report-table" aria-label="Differential in the report">
        <DifferentialTableHead reference={false} />
        <tbody>
          {d.rows.map((r) => (
            <tr key={r.category} data-category={r.category}>
              <th scope="row">{r.name}</th>
              <td className="num">{r.count}</td>
              <td className="num">{fmt(r.percent)}</td>
              <td className="num">{r.interval ? `${fmt(r.interval.low)}–${fmt(r.interval.high)}` : '–'}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Nucleated cells counted</th>
            <td className="num" data-testid="report-ndc">
              {d.ndcTotal}
            </td>
            <td colSpan={2} />
          </tr>
        </tfoot>
      </table>
      <p>
        M:E ratio <strong data-testid="report-me">{d.meRatio.display}</strong> ({ME_LABELS[preview.choice.meConvention as keyof typeof ME_LABELS] ?? preview.choice.meConvention}) · blasts counted as{' '}
        {BLAST_DEFINITION_LABELS[preview.choice.blastDefinition as keyof typeof BLAST_DEFINITION_LABELS] ?? preview.choice.blastDefinition}
      </p>
      {d.flags.map((f) => (
        <p key={f.thresholdPercent} className="banner-warn small">
          {f.message}
        </p>
      ))}
      {d.excluded.some((r) => r.count > 0) && (
        <p className="small">
          Not counted: {d.excluded.filter((r) => r.count > 0).map((r) => `${r.name} ${r.count}`).join(', ')}
        </p>
      )}
      <h3>Representative cells</h3>
      <div className="report-gallery">
        {preview.gallery.map((g) => (
          <div key={g.category} className="report-gallery-row">
            <span className="report-gallery-name">
              <span className="swatch" style={{ background: g.color }} aria-hidden="true" /> {g.name} ({g.count})
            </span>
            {g.cells.map((cell) => (
              <img key={cell.cellId} src={pixelUrl(cell.cropUrl)} width={56} height={56} alt={`${g.name}, cell ${cell.cellId} (${cell.code})`} loading="lazy" />
            ))}
          </div>
        ))}
      </div>
      <h3>Model</h3>
      <p className="small">
        {preview.model.name ?? 'Unknown model'} {preview.model.version ?? ''} {preview.model.architecture ? `(${preview.model.architecture})` : ''} · manifest sha256{' '}
        <code>{preview.model.manifestHash.slice(0, 16)}…</code>
      </p>
      <h3>Signatures</h3>
      {preview.signatures.length === 0 ? (
        <p className="small muted">Not signed.</p>
      ) : (
        <ul className="signatures">
          {preview.signatures.map((s) => (
            <li key={`${s.capacity}-${s.signedAt}`}>{describeSignature(s)}</li>
          ))}
        </ul>
      )}
      <p className="small muted">
        Audit trail head: entry {preview.audit.headSeq}, sha256 <code>{preview.audit.headHash.slice(0, 16)}…</code> {preview.audit.chainIntact ? '(verified)' : '(BROKEN)'}
      </p>
      <h3>Limitations</h3>
      <ul className="limitations small">
        {preview.limitations.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
    </article>
  );
}
