import { useState } from 'react';
import { pixelUrl } from '../api';
import { useAppStore } from '../state/useAppStore';
import { useReviewStore } from '../state/useReviewStore';
import { useSlideStore } from '../state/useSlideStore';
import { useAnalysisStore } from '../state/useAnalysisStore';
import { SlideViewer } from '../viewer/SlideViewer';
import { colorOf } from './classColors';
import { AuditTrailPanel } from '../audit/AuditTrailPanel';
import { useSettledValue } from './useSettledValue';

/** Context width around the cell under review, in µm (neighbours visible, the cell still large). */
const CONTEXT_MICRONS = 60;
/**
 * The context view moves to a cell once focus has rested on it this long: while a reviewer keys
 * through cells, its tile loads and redraws would take the main thread from the next keystroke.
 */
const CONTEXT_SETTLE_MS = 150;

/** The selected cell: crop, its place on the slide (neighbours visible), the ensemble's probabilities and its review history. */
export function CellInspector() {
  const detail = useReviewStore((s) => s.detail);
  const selection = useReviewStore((s) => s.selection);
  const revision = useReviewStore((s) => s.revision);
  const taxonomy = useAppStore((s) => s.taxonomy);
  const slide = useSlideStore((s) => s.slide);
  const runId = useAnalysisStore((s) => s.runId);
  const setScreen = useAppStore((s) => s.setScreen);
  const [auditOpen, setAuditOpen] = useState(false);
  const settled = useSettledValue(detail, (d) => d?.cellId, CONTEXT_SETTLE_MS);
  const settledRevision = useSettledValue(revision, (r) => r, CONTEXT_SETTLE_MS);

  if (!detail) return <section className="inspector panel muted">Select a cell to see it in context.</section>;
  const nameOf = (code: string) => taxonomy.find((t) => t.code === code)?.name ?? code;
  const context = settled ?? detail;
  const zoomWidth = slide?.mpp ? CONTEXT_MICRONS / slide.mpp.x : 240;

  return (
    <section className="inspector panel" aria-labelledby="inspector-title" data-testid="inspector" data-cell-id={detail.cellId}>
      <h2 id="inspector-title">
        Cell <span className="muted">#{detail.cellId}</span>
        {selection.size > 1 && <span className="chip chip-strong">{selection.size} selected</span>}
      </h2>
      <div className="inspector-top">
        <img className="inspector-crop" src={pixelUrl(detail.cropUrl)} width={104} height={104} alt={`Crop of cell ${detail.cellId}`} />
        <dl className="facts">
          <dt>Current</dt>
          <dd>
            <span className="swatch" style={{ background: colorOf(taxonomy, detail.currentCode) }} aria-hidden="true" /> <strong data-testid="current-code">{detail.currentCode}</strong> {nameOf(detail.currentCode)}
          </dd>
          <dt>Model</dt>
          <dd>
            {detail.predictedCode} ({Math.round(detail.probability * 100)}%)
          </dd>
          <dt>Members</dt>
          <dd>{Math.round(detail.agreement * 100)}% agree</dd>
          <dt>Uncertainty</dt>
          <dd>{Math.round(detail.uncertainty * 100)}%</dd>
          <dt>Status</dt>
          <dd>{detail.reviewed ? `reviewed (${detail.lastAction})` : 'not reviewed'}</dd>
        </dl>
      </div>
      {slide ? (
        <div className="context-view">
          <SlideViewer
            slide={slide}
            runId={runId}
            focus={{ x: context.x, y: context.y, zoomWidth, seq: Number.parseInt(context.cellId, 36) || 1 }}
            highlightCellId={context.cellId}
            label="Cell in slide context"
            revision={settledRevision}
          />
          <button type="button" className="btn btn-small context-open" onClick={() => {
            useSlideStore.getState().lookAt(detail.x, detail.y, zoomWidth * 4);
            setScreen('viewer');
          }}>
            Open in viewer
          </button>
        </div>
      ) : (
        <p className="muted small">Open the slide to see the cell in context.</p>
      )}
      <h3>Ensemble probabilities</h3>
      <ol className="prob-list" aria-label="Ensemble probabilities, highest first">
        {detail.probabilities.slice(0, 6).map((p) => (
          <li key={p.code} className={p.code === detail.predictedCode ? 'prob-top' : undefined}>
            <span className="prob-code">{p.code}</span>
            <span className="prob-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(0.5, p.probability * 100)}%`, background: colorOf(taxonomy, p.code) }} />
            </span>
            <span className="prob-val">{(p.probability * 100).toFixed(1)}%</span>
          </li>
        ))}
      </ol>
      {detail.history.length > 0 && (
        <>
          <h3>Decisions</h3>
          <ol className="history" aria-label="Review decisions, oldest first">
            {detail.history.map((h, i) => (
              <li key={i} className={`decision-${h.action}`}>
                {h.action}
                {h.code && (
                  <>
                    {' '}→ <strong>{h.code}</strong>
                  </>
                )}{' '}
                <span className="muted">
                  {h.reviewer}, {new Date(h.at).toLocaleTimeString()}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
      <details className="cell-audit-details" open={auditOpen} onToggle={(e) => setAuditOpen((e.target as HTMLDetailsElement).open)}>
        <summary>Audit trail</summary>
        {auditOpen && <AuditTrailPanel cellId={detail.cellId} revision={revision} limit={100} />}
      </details>
    </section>
  );
}
