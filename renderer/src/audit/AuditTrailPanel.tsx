import { useEffect, useState } from 'react';
import type { AuditTrailView } from '../../../electron/shared/api/signoffViews.js';
import { api } from '../api';
import { describeError } from '../errors/messages';

const FILTERS: readonly { prefix: string; label: string }[] = [
  { prefix: '', label: 'Everything' },
  { prefix: 'review.', label: 'Review decisions' },
  { prefix: 'signoff.', label: 'Signatures' },
  { prefix: 'report.', label: 'Report exports' },
  { prefix: 'bundle.', label: 'Case bundles' },
  { prefix: 'case.', label: 'Case details' },
];

/**
 * Who changed what and when: the append-only, hash-chained audit log of the case (or of one cell),
 * with whether the chain and the signatures still verify. `revision` reloads it after a write.
 */
export function AuditTrailPanel({ cellId, revision, limit = 300 }: { cellId?: string; revision?: number; limit?: number }) {
  const [trail, setTrail] = useState<AuditTrailView | null>(null);
  const [prefix, setPrefix] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.getAuditTrail({ ...(cellId ? { cellId } : {}), ...(prefix ? { actionPrefix: prefix } : {}), limit }).then((r) => {
      if (!live) return;
      if (!r.ok) {
        const d = describeError(r.error);
        return setError(`${d.title}. ${d.detail}`);
      }
      setError(null);
      setTrail(r.value);
    });
    return () => {
      live = false;
    };
  }, [cellId, prefix, limit, revision]);

  const title = cellId ? `Audit trail of cell ${cellId}` : 'Audit trail of this case';
  return (
    <section className={cellId ? 'audit-trail audit-cell' : 'panel audit-trail'} aria-label={title} data-testid={cellId ? 'cell-audit' : 'case-audit'}>
      {!cellId && <h2>Audit trail</h2>}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {trail && (
        <>
          <p className={trail.chain.ok && trail.signatureProblems.length === 0 ? 'chain-ok small' : 'chain-broken'} role={trail.chain.ok ? undefined : 'alert'} data-testid="chain-status" data-ok={trail.chain.ok}>
            {trail.chain.ok
              ? `Chain verified: ${trail.chain.entries.toLocaleString()} entries, none altered or removed.`
              : `The audit chain is broken at entry ${trail.chain.firstBrokenSeq}: ${trail.chain.message}. Do not sign or report from this file.`}
            {trail.signatureProblems.map((p) => (
              <span key={p} className="chain-broken">
                {' '}
                {p}
              </span>
            ))}
          </p>
          {!cellId && (
            <label className="select-label">
              Show
              <select value={prefix} onChange={(e) => setPrefix(e.target.value)}>
                {FILTERS.map((f) => (
                  <option key={f.prefix} value={f.prefix}>
                    {f.label}
                  </option>
                ))}
              </select>
              <span className="muted">
                {trail.entries.length < trail.total ? `latest ${trail.entries.length} of ${trail.total.toLocaleString()}` : `${trail.total.toLocaleString()} entries`}
              </span>
            </label>
          )}
          {trail.entries.length === 0 ? (
            <p className="small muted">No entries{cellId ? ' for this cell: it has not been reviewed' : ''}.</p>
          ) : (
            <div className="audit-scroll">
              <table className="table audit-table">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      #
                    </th>
                    <th scope="col">When · who</th>
                    <th scope="col">What</th>
                  </tr>
                </thead>
                <tbody>
                  {[...trail.entries].reverse().map((e) => (
                    <tr key={e.seq} data-action={e.action}>
                      <td className="num">{e.seq}</td>
                      <td className="nowrap">
                        {new Date(e.at).toLocaleString()}
                        <div className="muted">{e.actor}</div>
                      </td>
                      <td className="audit-summary" title={`${e.entity} · sha256 ${e.hash}`}>
                        <code>{e.action}</code>
                        <div>{e.summary || e.entity}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
