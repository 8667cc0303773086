import { useEffect, useState } from 'react';
import type { RegionInput } from '../../../electron/shared/api/index.js';
import { NOTICES } from '../errors/messages';
import { useAppStore } from '../state/useAppStore';
import { useSlideStore } from '../state/useSlideStore';
import { useAnalysisStore } from '../state/useAnalysisStore';
import { useReviewStore } from '../state/useReviewStore';
import { SlideViewer } from './SlideViewer';
import { AnalysisPanel } from '../analysis/AnalysisPanel';

/** The viewer: the slide with its overlay and navigator, regions (drawn or proposed) and the analysis controls. */
export function ViewerScreen() {
  const { slide, drawn, proposals, chosen, proposing, addRegion, removeRegion, clearRegions, propose, toggleProposal, focusPoint } = useSlideStore();
  const info = useAppStore((s) => s.info);
  const runId = useAnalysisStore((s) => s.runId);
  const reviewRevision = useReviewStore((s) => s.revision);
  const classified = useAnalysisStore((s) => s.status?.progress.cellsClassified ?? 0);
  // Re-fetch the overlay's cells when labels change (review) or new cells land (a running analysis).
  const revision = reviewRevision * 1_000_000 + classified;
  const [drawing, setDrawing] = useState(false);
  const [overlay, setOverlay] = useState(true);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, textarea, select')) return;
      if (e.key === 'r' && !e.ctrlKey && !e.metaKey) setDrawing((d) => !d);
      if (e.key === 'Escape') setDrawing(false);
      if (e.key === 'o' && !e.ctrlKey && !e.metaKey) setOverlay((o) => !o);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!slide) return <p className="empty-screen">Open a slide from the worklist.</p>;

  const regions: RegionInput[] = [
    ...drawn.map((r) => ({ source: 'manual' as const, rect: r.rect })),
    ...proposals.filter((p) => chosen.has(p.regionId)).map((p) => ({ source: 'proposed' as const, rect: p.bounds, score: p.score, proposalId: p.regionId })),
  ];

  return (
    <div className="viewer-screen">
      <SlideViewer
        slide={slide}
        runId={runId}
        drawn={drawn}
        proposals={proposals}
        chosen={chosen}
        drawing={drawing}
        onRegionDrawn={(rect) => {
          addRegion(rect);
          setDrawing(false);
        }}
        focus={focusPoint}
        showNavigator
        showOverlay={overlay}
        label="Slide viewer"
        revision={revision}
      />
      <aside className="side-panel" aria-label="Slide, regions and analysis">
        <section className="panel" aria-labelledby="slide-info-title">
          <h2 id="slide-info-title">Slide</h2>
          <dl className="facts">
            <dt>File</dt>
            <dd title={slide.path}>{slide.name}</dd>
            <dt>Scanner</dt>
            <dd>{slide.vendor}</dd>
            <dt>Size</dt>
            <dd>
              {slide.width.toLocaleString()} × {slide.height.toLocaleString()} px
            </dd>
            <dt>Pixel size</dt>
            <dd>{slide.mpp ? `${slide.mpp.x.toFixed(3)} µm/px` : <span className="warn-text">none</span>}</dd>
            <dt>Objective</dt>
            <dd>{slide.objectivePower ? `${slide.objectivePower}×` : '–'}</dd>
          </dl>
          {!slide.mpp && <p className="banner-warn">{NOTICES.uncalibrated}</p>}
          <label className="check">
            <input type="checkbox" checked={overlay} onChange={(e) => setOverlay(e.target.checked)} /> Show cells <kbd>O</kbd>
          </label>
        </section>
        <section className="panel" aria-labelledby="regions-title">
          <h2 id="regions-title">Regions to count</h2>
          <div className="button-row">
            <button type="button" className={`btn${drawing ? ' btn-active' : ''}`} aria-pressed={drawing} onClick={() => setDrawing((d) => !d)} data-testid="draw-region">
              {drawing ? 'Drag on the slide…' : 'Draw region'} <kbd>R</kbd>
            </button>
            <button type="button" className="btn" onClick={() => void propose()} disabled={proposing || !info?.regionProposalsAvailable || !slide.mpp} title={!info?.regionProposalsAvailable ? NOTICES.proposalsUnavailable : undefined}>
              {proposing ? 'Proposing…' : 'Propose regions'}
            </button>
            {(drawn.length > 0 || chosen.size > 0) && (
              <button type="button" className="btn btn-quiet" onClick={clearRegions}>
                Clear
              </button>
            )}
          </div>
          <ul className="region-list" aria-label="Drawn regions">
            {drawn.map((r, i) => (
              <li key={r.id}>
                <span className="swatch swatch-roi" aria-hidden="true" />
                ROI {i + 1}
                <span className="muted">
                  {r.rect.width} × {r.rect.height} px{slide.mpp ? ` (${Math.round(r.rect.width * slide.mpp.x)} × ${Math.round(r.rect.height * slide.mpp.y)} µm)` : ''}
                </span>
                <button type="button" className="btn btn-quiet btn-small" onClick={() => removeRegion(r.id)} aria-label={`Remove ROI ${i + 1}`}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {proposals.length > 0 && (
            <ul className="proposal-list" aria-label="Proposed regions">
              {proposals.map((p, i) => (
                <li key={p.regionId}>
                  <label className="check">
                    <input type="checkbox" checked={chosen.has(p.regionId)} onChange={() => toggleProposal(p.regionId)} />
                    <span>
                      #{i + 1} score <strong>{p.score.toFixed(2)}</strong> <span className="muted">{p.reason}</span>
                    </span>
                  </label>
                  <div className="components">
                    {Object.entries(p.components).map(([k, v]) => (
                      <span key={k} className="chip">
                        {k} {v.toFixed(2)}
                      </span>
                    ))}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <AnalysisPanel slideId={slide.slideId} regions={regions} calibrated={slide.mpp !== null} />
      </aside>
    </div>
  );
}
