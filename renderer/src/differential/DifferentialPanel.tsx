import type { BlastDefinitionName, MeConvention } from '../../../electron/shared/domain/differential/index.js';
import { useDifferentialStore } from '../state/useDifferentialStore';
import { useReviewStore } from '../state/useReviewStore';
import { DifferentialChart } from './DifferentialChart';
import { BLAST_DEFINITION_LABELS, ME_LABELS } from './conventionLabels';
import { DifferentialTableHead } from './DifferentialTableHead';
import { formatNumber as fmt } from './formatNumber';

/**
 * The live differential: counts and percentages with 95% intervals, progress toward the 300/500
 * targets, the M:E ratio with its convention, blast threshold prompts, and a bar chart. It shows
 * only what the database returned after the last stored decision.
 */
export function DifferentialPanel() {
  const { view, blastDefinition, meConvention, setBlastDefinition, setMeConvention, version } = useDifferentialStore();
  const runId = useReviewStore((s) => s.runId);
  if (!view) return <section className="panel differential muted">No differential yet.</section>;
  const d = view.differential;
  const p = d.progress;
  return (
    <section className="panel differential" aria-labelledby="diff-title" data-testid="differential" data-version={version}>
      <h2 id="diff-title">
        Differential <span className="live-dot" aria-hidden="true" /> <span className="muted small">live</span>
      </h2>
      <div className="count-progress" data-testid="ndc-total">
        <div className="count-line">
          <strong className="big-number">{d.ndcTotal.toLocaleString()}</strong> nucleated cells counted
          <span className={`status status-${p.status}`}>
            {p.status === 'precise-reached' ? `≥ ${p.preciseTarget}` : p.status === 'minimum-reached' ? `≥ ${p.minimumTarget}` : `< ${p.minimumTarget}`}
          </span>
        </div>
        <div className="target-track" role="progressbar" aria-label={`Cells counted toward the ${p.preciseTarget}-cell target`} aria-valuemin={0} aria-valuemax={p.preciseTarget} aria-valuenow={Math.min(p.counted, p.preciseTarget)}>
          <span className="target-fill" style={{ width: `${p.fractionOfPrecise * 100}%` }} />
          <span className="target-mark" style={{ left: `${(100 * p.minimumTarget) / p.preciseTarget}%` }} title={`${p.minimumTarget}-cell minimum`} />
        </div>
        <div className="small muted">
          {p.remainingToMinimum > 0 ? `${p.remainingToMinimum} more to ${p.minimumTarget}` : `${p.minimumTarget} reached`} ·{' '}
          {p.remainingToPrecise > 0 ? `${p.remainingToPrecise} more to ${p.preciseTarget}` : `${p.preciseTarget} reached`} · {view.reviewedCount.toLocaleString()} of{' '}
          {view.cellsTotal.toLocaleString()} cells reviewed
        </div>
      </div>
      {d.flags.map((f) => (
        <div key={f.thresholdPercent} className="threshold-flag" role="alert" data-testid="blast-flag">
          <strong>Blast count near the {f.thresholdPercent}% threshold</strong>
          <span>
            Blasts {fmt(f.percent)}% with a 95% interval of {fmt(f.interval.low)}–{fmt(f.interval.high)}%: the true value may lie on either side of {f.thresholdPercent}%.{' '}
            {f.cellsToResolve !== null ? `Count about ${f.cellsToResolve.toLocaleString()} cells in total, or ask a second observer.` : 'Ask a second observer.'}
          </span>
        </div>
      ))}
      {d.deferred > 0 && <p className="banner-warn small">{d.deferred} deferred cell(s) must be decided before signing.</p>}
      <table className="table diff-table" aria-label="Nucleated differential count">
        <DifferentialTableHead reference={true} />
        <tbody>
          {d.rows.map((r) => (
            <tr key={r.category} data-category={r.category} className={r.versusReference && r.versusReference !== 'within' ? `ref-${r.versusReference}` : undefined}>
              <th scope="row">{r.name}</th>
              <td className="num" data-testid={`count-${r.category}`}>
                {r.count}
              </td>
              <td className="num">{fmt(r.percent)}</td>
              <td className="num ci">{r.interval ? `${fmt(r.interval.low)}–${fmt(r.interval.high)}` : '–'}</td>
              <td className="num ref">
                {r.referenceRange ? `${r.referenceRange.low}–${r.referenceRange.high}` : ''}
                {r.versusReference === 'above' && <span aria-label="above range"> ↑</span>}
                {r.versusReference === 'below' && <span aria-label="below range"> ↓</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="me-ratio">
        <span>
          M:E ratio <strong data-testid="me-ratio">{d.meRatio.display}</strong>
        </span>
        <label className="select-label">
          Convention
          <select value={meConvention} onChange={(e) => setMeConvention(e.target.value as MeConvention, runId)}>
            {Object.entries(ME_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="select-label">
        Blast definition
        <select value={blastDefinition} onChange={(e) => setBlastDefinition(e.target.value as BlastDefinitionName, runId)}>
          {Object.entries(BLAST_DEFINITION_LABELS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <DifferentialChart differential={d} />
      <details className="excluded">
        <summary>Not counted ({d.excluded.reduce((s, r) => s + r.count, 0)})</summary>
        <ul>
          {d.excluded.map((r) => (
            <li key={r.category}>
              {r.name}: {r.count}
            </li>
          ))}
          <li>Mitotic index: {d.mitoticIndex.perThousand === null ? '–' : `${fmt(d.mitoticIndex.perThousand)} ‰`}</li>
        </ul>
      </details>
    </section>
  );
}
