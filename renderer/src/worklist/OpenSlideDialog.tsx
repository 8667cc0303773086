import { useEffect, useRef, useState } from 'react';
import type { DirectoryListing } from '../../../electron/shared/api/views.js';
import { api } from '../api';
import { describeError } from '../errors/messages';

/** The open-slide dialog: the host lists folders and slide files; a path can also be typed. */
export function OpenSlideDialog({ onOpen, onClose }: { onOpen: (path: string) => void; onClose: () => void }) {
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const dialogRef = useRef<HTMLDivElement>(null);

  const browse = async (path?: string) => {
    const r = await api.browseFiles(path ? { path } : {});
    if (!r.ok) {
      const d = describeError(r.error);
      return setError(`${d.title}: ${d.detail}`);
    }
    setError(null);
    setListing(r.value);
  };

  useEffect(() => {
    void browse();
    dialogRef.current?.querySelector<HTMLElement>('input')?.focus();
  }, []);

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="open-slide-title"
        ref={dialogRef}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <header className="modal-header">
          <h2 id="open-slide-title">Open slide</h2>
          <button type="button" className="btn btn-quiet" onClick={onClose} aria-label="Close dialog">
            Close
          </button>
        </header>
        <form
          className="path-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) onOpen(typed.trim());
          }}
        >
          <label htmlFor="slide-path">Slide file path</label>
          <input id="slide-path" type="text" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="/path/to/slide.svs" spellCheck={false} />
          <button type="submit" className="btn btn-primary" disabled={!typed.trim()}>
            Open
          </button>
        </form>
        <div className="browser">
          <nav className="browser-roots" aria-label="Places">
            {listing?.roots.map((r) => (
              <button key={r.path} type="button" className="btn btn-list" onClick={() => void browse(r.path)} title={r.path}>
                {r.name}
              </button>
            ))}
          </nav>
          <div className="browser-main">
            <div className="browser-path">
              {listing?.parent && (
                <button type="button" className="btn btn-quiet" onClick={() => void browse(listing.parent!)} aria-label="Up one folder">
                  ↑ Up
                </button>
              )}
              <code>{listing?.path ?? '…'}</code>
            </div>
            {error && (
              <p className="inline-error" role="alert">
                {error}
              </p>
            )}
            <ul className="browser-list" aria-label="Folder contents">
              {listing?.entries.map((e) => (
                <li key={e.path}>
                  <button
                    type="button"
                    className={`btn btn-list entry-${e.kind}`}
                    onClick={() => (e.kind === 'directory' ? void browse(e.path) : onOpen(e.path))}
                    title={e.path}
                  >
                    <span className="entry-icon" aria-hidden="true">
                      {e.kind === 'directory' ? '▸' : '▦'}
                    </span>
                    {e.name}
                    <span className="sr-only">{e.kind === 'directory' ? ' (folder)' : ' (slide)'}</span>
                  </button>
                </li>
              ))}
              {listing && listing.entries.length === 0 && <li className="muted empty">No folders or slide files here.</li>}
            </ul>
          </div>
        </div>
      </div>
    </div>
  );
}
