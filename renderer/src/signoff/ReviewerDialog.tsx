import { useState } from 'react';
import { Modal } from '../components/Modal';
import { describeError } from '../errors/messages';
import { useSignoffStore } from '../state/useSignoffStore';

/** Minimum password length the host enforces (core/signoff MIN_PASSWORD_LENGTH); checked here only to say so early. */
const MIN_PASSWORD = 8;

/** Adds a local reviewer profile: name, initials, role, and a password kept only as a slow salted hash. */
export function ReviewerDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [initials, setInitials] = useState('');
  const [role, setRole] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const addReviewer = useSignoffStore((s) => s.addReviewer);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (password !== again) return setError('The two passwords differ.');
    if ([...password].length < MIN_PASSWORD) return setError(`Use a password of at least ${MIN_PASSWORD} characters.`);
    setBusy(true);
    const failure = await addReviewer({ name: name.trim(), initials: initials.trim(), role: role.trim(), password });
    setBusy(false);
    if (!failure) return onClose();
    const d = describeError(failure);
    setError(`${d.title}. ${d.detail}`);
  };

  return (
    <Modal title="Add a reviewer" titleId="reviewer-dialog-title" onClose={onClose} width={480}>
      <form className="form-grid" onSubmit={(e) => void submit(e)} data-testid="reviewer-dialog">
        <label>
          Full name (printed on signatures)
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Initials
          <input type="text" value={initials} onChange={(e) => setInitials(e.target.value.toUpperCase())} required maxLength={10} />
        </label>
        <label>
          Role
          <input type="text" value={role} onChange={(e) => setRole(e.target.value)} required maxLength={200} placeholder="Consultant haematologist" />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required />
        </label>
        <label>
          Password again
          <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required />
        </label>
        <p className="small muted">The profile lives in this case file; a case bundle carries the profile but never the password.</p>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Add reviewer'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
