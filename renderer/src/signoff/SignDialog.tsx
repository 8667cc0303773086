import { useState } from 'react';
import type { SignoffView } from '../../../electron/shared/api/signoffViews.js';
import type { ErrorInfo } from '../../../electron/shared/errors/AppError.js';
import { Modal } from '../components/Modal';
import { BLAST_DEFINITION_LABELS, ME_LABELS } from '../differential/conventionLabels';
import { describeError } from '../errors/messages';
import { useDifferentialStore } from '../state/useDifferentialStore';
import { useSignoffStore } from '../state/useSignoffStore';

/** What the dialog does: the primary signature, an independent second signature, or opening an amendment. */
export type SignMode = 'sign' | 'second' | 'amend';

const TITLES: Record<SignMode, string> = { sign: 'Sign the differential', second: 'Second reviewer signature', amend: 'Open an amendment' };

/**
 * The electronic signature: the signer picks their profile and types their password again; the
 * host checks it, records printed name, time and meaning, and locks the run. Errors (a wrong
 * password, deferred cells without a reason) stay in the dialog so nothing typed is lost.
 */
export function SignDialog({ mode, status, onClose, onAddReviewer }: { mode: SignMode; status: SignoffView; onClose: () => void; onAddReviewer: () => void }) {
  const signers = status.reviewers.filter((r) => r.canSign);
  const primary = status.versions.at(-1)?.signatures.find((s) => s.capacity === 'primary')?.initials;
  const [initials, setInitials] = useState(() => (signers.find((r) => mode !== 'second' || r.initials !== primary) ?? signers[0])?.initials ?? '');
  const [password, setPassword] = useState('');
  const [meaning, setMeaning] = useState<'reviewed' | 'approved'>(mode === 'second' ? 'reviewed' : 'approved');
  const [reason, setReason] = useState('');
  const [disagreements, setDisagreements] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { blastDefinition, meConvention } = useDifferentialStore();
  const store = useSignoffStore();
  const needsOverride = mode === 'sign' && status.deferredCells > 0;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    let parsed: { cellId: string; code: string; note?: string }[] = [];
    if (mode === 'second') {
      const p = parseDisagreements(disagreements);
      if (typeof p === 'string') return setError(p);
      parsed = p;
    }
    setBusy(true);
    setError(null);
    let failure: ErrorInfo | null;
    if (mode === 'sign') failure = await store.sign({ initials, password, meaning, ...(reason.trim() ? { overrideReason: reason.trim() } : {}) });
    else if (mode === 'second') failure = await store.secondSign({ initials, password, meaning, disagreements: parsed });
    else failure = await store.amend({ initials, password, reason: reason.trim() });
    setBusy(false);
    setPassword('');
    if (!failure) return onClose();
    const d = describeError(failure);
    setError(`${d.title}. ${d.detail}`);
  };

  const signer = signers.find((r) => r.initials === initials);
  return (
    <Modal title={TITLES[mode]} titleId="sign-dialog-title" onClose={onClose} width={560}>
      <form className="form-grid" onSubmit={(e) => void submit(e)} data-testid="sign-dialog">
        {signers.length === 0 ? (
          <p className="banner-warn">
            No reviewer profile can sign in this case file yet.{' '}
            <button type="button" className="btn btn-small" onClick={onAddReviewer}>
              Add a reviewer
            </button>
          </p>
        ) : (
          <label>
            Reviewer
            <select value={initials} onChange={(e) => setInitials(e.target.value)} required>
              {signers.map((r) => (
                <option key={r.reviewerId} value={r.initials}>
                  {r.name} ({r.initials}), {r.role}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required data-testid="sign-password" />
        </label>
        {mode !== 'amend' && (
          <fieldset className="radio-row">
            <legend>Meaning of this signature</legend>
            <label className="check">
              <input type="radio" name="meaning" checked={meaning === 'reviewed'} onChange={() => setMeaning('reviewed')} /> Reviewed — I checked the cell labels
            </label>
            <label className="check">
              <input type="radio" name="meaning" checked={meaning === 'approved'} onChange={() => setMeaning('approved')} /> Approved — I approve this differential for reporting
            </label>
          </fieldset>
        )}
        {needsOverride && (
          <label>
            <span className="warn-text">
              {status.deferredCells} cell{status.deferredCells === 1 ? ' is' : 's are'} marked “defer”. Classify {status.deferredCells === 1 ? 'it' : 'them'} first, or record why signing may proceed:
            </span>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} required data-testid="override-reason" />
          </label>
        )}
        {mode === 'amend' && (
          <label>
            Reason for the amendment (printed on the report)
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} required data-testid="amend-reason" />
          </label>
        )}
        {mode === 'second' && (
          <label>
            Cells you would label differently (optional): one per line, “cell ID, class code, note”
            <textarea value={disagreements} onChange={(e) => setDisagreements(e.target.value)} rows={3} placeholder="1042, M5, band rather than segmented" data-testid="disagreements" />
          </label>
        )}
        {mode === 'sign' && (
          <p className="small muted">
            Counting conventions signed: {BLAST_DEFINITION_LABELS[blastDefinition]}; M:E {ME_LABELS[meConvention]} (set them in the differential panel).
          </p>
        )}
        <p className="small">
          {mode === 'amend'
            ? 'The signed version is kept unchanged; the amendment is a new version that must be signed again.'
            : `Signing records ${signer ? signer.name : 'your printed name'}, the time and the meaning of the signature in the audit trail${mode === 'sign' ? ', and locks the labels of this run' : ''}.`}
        </p>
        {error && (
          <p className="inline-error" role="alert" data-testid="sign-error">
            {error}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="btn btn-primary" disabled={busy || !initials || !password} data-testid="sign-submit">
            {busy ? 'Checking…' : mode === 'amend' ? 'Open amendment' : `Sign as ${initials || '…'}`}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** "1042, M5, band rather than segmented" per line → disagreements, or a message naming the bad line. */
export function parseDisagreements(text: string): { cellId: string; code: string; note?: string }[] | string {
  const out: { cellId: string; code: string; note?: string }[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const [cellId = '', code = '', ...rest] = line.split(',').map((p) => p.trim());
    if (!/^\d+$/.test(cellId) || !/^[A-Z0-9]+$/.test(code)) return `Line ${i + 1}: expected “cell ID, class code[, note]” but read “${line}”`;
    const note = rest.join(',').trim();
    out.push({ cellId, code, ...(note ? { note } : {}) });
  }
  return out;
}
