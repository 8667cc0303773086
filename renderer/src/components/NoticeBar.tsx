import { useAppStore } from '../state/useAppStore';

/** The one place errors and notices appear: an alert with the plain-language title, advice and the host's exact detail. */
export function NoticeBar() {
  const notice = useAppStore((s) => s.notice);
  const clear = useAppStore((s) => s.clearNotice);
  if (!notice) return null;
  return (
    <div className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
      <div className="notice-text">
        <strong className="notice-title">{notice.title}</strong>
        {notice.advice && <span className="notice-advice">{notice.advice}</span>}
        {notice.detail && <code className="notice-detail">{notice.detail}</code>}
      </div>
      <button type="button" className="btn btn-quiet" onClick={clear} aria-label="Dismiss message">
        Dismiss
      </button>
    </div>
  );
}
