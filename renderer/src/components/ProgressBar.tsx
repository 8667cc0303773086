/** A labelled progress bar (role progressbar) with an optional ETA. */
export function ProgressBar({ value, max, label, eta }: { value: number; max: number; label: string; eta?: number | null }) {
  const pct = max > 0 ? Math.min(100, (100 * value) / max) : 0;
  return (
    <div className="progress">
      <div className="progress-label">
        <span>{label}</span>
        <span className="muted">{eta != null ? `about ${formatDuration(eta)} left` : max > 0 ? `${Math.round(pct)}%` : ''}</span>
      </div>
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={value}>
        <progress className="progress-fill" value={value} max={Math.max(1, max)} />
      </div>
    </div>
  );
}

/** "2 min 05 s", "40 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
