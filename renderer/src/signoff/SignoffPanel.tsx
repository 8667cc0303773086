import type { SignatureView, SignoffView } from '../../../electron/shared/api/signoffViews.js';
import type { SignMode } from './SignDialog';

/** Where the run stands (signed and locked, amendment open, not signed, blocked and why), the actions, and every version with its signatures. */
export function SignoffPanel({ status, onAction, onAddReviewer }: { status: SignoffView; onAction: (mode: SignMode) => void; onAddReviewer: () => void }) {
  const latest = status.versions.at(-1);
  const state = status.locked ? `Signed — version ${status.latestVersion}, locked` : status.openAmendment ? `Amendment open — version ${status.latestVersion}, not signed` : 'Not signed';
  const canSign = status.runState === 'completed' && !status.locked;
  return (
    <section className="panel signoff-panel" aria-labelledby="signoff-title" data-testid="signoff-panel" data-locked={status.locked}>
      <h2 id="signoff-title">Sign-off</h2>
      <p className={`signoff-state ${status.locked ? 'signoff-locked' : 'signoff-open'}`} data-testid="signoff-state">
        {state}
      </p>
      {status.blockedReason && !status.locked && <p className="banner-warn small">Before signing: {status.blockedReason}.</p>}
      <div className="button-row">
        <button type="button" className="btn btn-primary" disabled={!canSign} onClick={() => onAction('sign')} data-testid="open-sign">
          Sign…
        </button>
        <button type="button" className="btn" disabled={!status.locked || status.hasSecondSignature} onClick={() => onAction('second')} data-testid="open-second">
          Second signature…
        </button>
        <button type="button" className="btn" disabled={!status.locked} onClick={() => onAction('amend')} data-testid="open-amend">
          Amend…
        </button>
        <button type="button" className="btn btn-quiet" onClick={onAddReviewer} data-testid="open-add-reviewer">
          Add reviewer…
        </button>
      </div>
      <p className="small muted">
        Reviewers in this case file: {status.reviewers.length === 0 ? 'none yet' : status.reviewers.map((r) => `${r.name} (${r.initials})${r.canSign ? '' : ' — cannot sign here'}`).join(', ')}
      </p>
      {status.versions.length > 0 && (
        <ol className="versions" aria-label="Report versions, oldest first">
          {status.versions.map((v) => (
            <li key={v.version} className={v === latest ? 'version-latest' : undefined}>
              <strong>Version {v.version}</strong> <span className={`status status-${v.status === 'signed' ? 'completed' : 'running'}`}>{v.status}</span>
              {v.reason && <div className="small">Amendment: {v.reason}</div>}
              <ul className="signatures">
                {v.signatures.map((s) => (
                  <li key={`${s.capacity}-${s.signedAt}`}>{describeSignature(s)}</li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** "Approved by Dr Ada Byron (AB), Consultant haematologist — 27/11/2026, 08:10 · override: …". */
export function describeSignature(s: SignatureView): string {
  const bits = [`${s.meaning === 'approved' ? 'Approved' : 'Reviewed'}${s.capacity === 'second' ? ' (second reviewer)' : ''} by ${s.printedName} (${s.initials}), ${s.role} — ${new Date(s.signedAt).toLocaleString()}`];
  if (s.overrideReason) bits.push(`signed with ${s.deferredCells} deferred cell(s): ${s.overrideReason}`);
  if (s.disagreements.length > 0) bits.push(`disagrees on ${s.disagreements.map((d) => `cell ${d.cellId} (${d.signedCode} → ${d.proposedCode}${d.note ? `: ${d.note}` : ''})`).join('; ')}`);
  return bits.join(' · ');
}
