import { useEffect } from 'react';
import { useAppStore, type Screen } from './state/useAppStore';
import { useSlideStore } from './state/useSlideStore';
import { useAnalysisStore } from './state/useAnalysisStore';
import { NoticeBar } from './components/NoticeBar';
import { Worklist } from './worklist/Worklist';
import { ViewerScreen } from './viewer/ViewerScreen';
import { ReviewScreen } from './review/ReviewScreen';
import { SignoffScreen } from './signoff/SignoffScreen';
import { onEvent } from './api';

const SCREENS: readonly { id: Screen; label: string; key: string }[] = [
  { id: 'worklist', label: 'Worklist', key: 'F1' },
  { id: 'viewer', label: 'Viewer', key: 'F2' },
  { id: 'review', label: 'Review', key: 'F3' },
  { id: 'signoff', label: 'Sign-off', key: 'F4' },
];

/** The workstation: top bar with the research-use notice, the notice bar, and one screen at a time. */
export function App() {
  const { screen, setScreen, info, init } = useAppStore();
  const slide = useSlideStore((s) => s.slide);
  const runId = useAnalysisStore((s) => s.runId);

  useEffect(() => {
    void init();
  }, [init]);

  // The desktop menu's File ▸ Open chose a slide in a native dialog: open it as the worklist would.
  useEffect(
    () =>
      onEvent((name, payload) => {
        if (name !== 'openSlideRequested') return;
        void useSlideStore.getState().open((payload as { path: string }).path).then((ok) => ok && setScreen('viewer'));
      }),
    [setScreen],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const i = SCREENS.findIndex((s) => s.key === e.key);
      if (i >= 0) {
        e.preventDefault();
        setScreen(SCREENS[i]!.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setScreen]);

  return (
    <div className="app" data-screen={screen}>
      <header className="topbar">
        <div className="brand" aria-label="Marrowscope">
          <span className="brand-mark" aria-hidden="true" />
          Marrowscope
        </div>
        <nav className="tabs" aria-label="Screens">
          {SCREENS.map((s) => (
            <button
              key={s.id}
              type="button"
              className="tab"
              aria-current={screen === s.id ? 'page' : undefined}
              onClick={() => setScreen(s.id)}
              disabled={(s.id === 'viewer' && !slide) || ((s.id === 'review' || s.id === 'signoff') && !runId)}
              title={`${s.label} (${s.key})`}
            >
              {s.label}
              <kbd>{s.key}</kbd>
            </button>
          ))}
        </nav>
        <div className="topbar-context" aria-live="polite">
          {slide ? <span className="slide-name" title={slide.path}>{slide.name}</span> : <span className="muted">No slide open</span>}
        </div>
        <div className="ruo" role="note">
          Research use only — not for clinical diagnosis
        </div>
        <div className="reviewer" title="Review decisions are recorded under this name">
          {info ? info.reviewer : '…'}
        </div>
      </header>
      <div className="notice-slot">
        <NoticeBar />
      </div>
      <main className="screen" id="main">
        {screen === 'worklist' && <Worklist />}
        {screen === 'viewer' && <ViewerScreen />}
        {screen === 'review' && <ReviewScreen />}
        {screen === 'signoff' && <SignoffScreen />}
      </main>
      <footer className="statusbar">
        <span>Case database: {info ? (info.storePath ?? 'none (viewing only)') : '…'}</span>
        <span>Host: {info?.host === 'electron' ? 'desktop' : 'browser (127.0.0.1)'}</span>
        <span>v{info?.version ?? ''}</span>
      </footer>
    </div>
  );
}
