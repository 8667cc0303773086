import { useEffect, useState } from 'react';
import type { CaseDetailsView } from '../../../electron/shared/api/signoffViews.js';
import { describeError } from '../errors/messages';
import { useSignoffStore } from '../state/useSignoffStore';

type Field = 'caseNumber' | 'patientId' | 'patientName' | 'birthDate' | 'specimen' | 'clinician';
const FIELDS: readonly { key: Field; label: string; type?: string }[] = [
  { key: 'caseNumber', label: 'Case number' },
  { key: 'patientId', label: 'Patient ID' },
  { key: 'patientName', label: 'Patient name' },
  { key: 'birthDate', label: 'Date of birth', type: 'date' },
  { key: 'specimen', label: 'Specimen' },
  { key: 'clinician', label: 'Requesting clinician' },
];

/** Patient and case identifiers printed on the reports; read-only while a signed report is current. */
export function CaseDetailsForm({ details, locked }: { details: CaseDetailsView; locked: boolean }) {
  const saveDetails = useSignoffStore((s) => s.saveDetails);
  const [draft, setDraft] = useState<Record<Field, string>>(() => fromView(details));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(fromView(details)), [details]);
  const dirty = FIELDS.some((f) => draft[f.key] !== (details[f.key] ?? ''));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    // Fields left empty are not sent: the record keeps its earlier value (entries are append-only).
    const changed = Object.fromEntries(FIELDS.filter((f) => draft[f.key].trim() && draft[f.key] !== (details[f.key] ?? '')).map((f) => [f.key, draft[f.key].trim()]));
    const failure = await saveDetails(changed);
    if (failure) {
      const d = describeError(failure);
      return setError(`${d.title}. ${d.detail}`);
    }
    setError(null);
    setSaved(true);
  };

  return (
    <form className="panel form-grid case-details" aria-labelledby="case-details-title" onSubmit={(e) => void submit(e)} data-testid="case-details">
      <h2 id="case-details-title">Case details</h2>
      {FIELDS.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            type={f.type ?? 'text'}
            value={draft[f.key]}
            disabled={locked}
            maxLength={500}
            onChange={(e) => {
              setSaved(false);
              setDraft({ ...draft, [f.key]: e.target.value });
            }}
            data-field={f.key}
          />
        </label>
      ))}
      {locked && <p className="small muted">The signed report prints these details; open an amendment to change them.</p>}
      {details.enteredBy && (
        <p className="small muted">
          Last entered by {details.enteredBy}, {new Date(details.enteredAt ?? '').toLocaleString()}
        </p>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="btn" disabled={locked || !dirty} data-testid="save-details">
          Save details
        </button>
        {saved && !dirty && <span className="small ok-text">Saved</span>}
      </div>
    </form>
  );
}

function fromView(d: CaseDetailsView): Record<Field, string> {
  return Object.fromEntries(FIELDS.map((f) => [f.key, d[f.key] ?? ''])) as Record<Field, string>;
}
