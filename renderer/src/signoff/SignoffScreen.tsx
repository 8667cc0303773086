import { useEffect, useState } from 'react';
import { AuditTrailPanel } from '../audit/AuditTrailPanel';
import { useAnalysisStore } from '../state/useAnalysisStore';
import { useReviewStore } from '../state/useReviewStore';
import { useSignoffStore } from '../state/useSignoffStore';
import { CaseDetailsForm } from './CaseDetailsForm';
import { ExportPanel } from './ExportPanel';
import { ReportPreviewPanel } from './ReportPreviewPanel';
import { ReviewerDialog } from './ReviewerDialog';
import { SignDialog, type SignMode } from './SignDialog';
import { SignoffPanel } from './SignoffPanel';

/**
 * Sign-off and reports for the run under review: case details, the electronic signature (and a
 * second reviewer's, and amendments), the report preview, exports, and the case's audit trail.
 */
export function SignoffScreen() {
  const reviewRunId = useReviewStore((s) => s.runId);
  const analysisRunId = useAnalysisStore((s) => s.runId);
  const runId = reviewRunId ?? analysisRunId;
  const { status, preview, previewDraft, setPreviewDraft, load, revision } = useSignoffStore();
  const [dialog, setDialog] = useState<SignMode | 'reviewer' | null>(null);

  useEffect(() => {
    void load(runId);
  }, [runId, load]);

  if (!runId) return <p className="empty-screen">Choose an analysis run from the worklist first.</p>;
  if (!status) return <p className="empty-screen">Loading sign-off…</p>;
  return (
    <div className="signoff-screen">
      <div className="signoff-left">
        <SignoffPanel status={status} onAction={setDialog} onAddReviewer={() => setDialog('reviewer')} />
        <CaseDetailsForm details={status.caseDetails} locked={status.locked} />
        <ExportPanel status={status} />
      </div>
      <section className="signoff-preview" aria-labelledby="preview-title">
        <div className="preview-toolbar">
          <h2 id="preview-title">Report preview</h2>
          <div className="segmented" role="group" aria-label="Which report">
            <button type="button" aria-pressed={previewDraft} onClick={() => void setPreviewDraft(true)}>
              Draft (current labels)
            </button>
            <button type="button" aria-pressed={!previewDraft} disabled={!status.locked} onClick={() => void setPreviewDraft(false)} title={status.locked ? undefined : 'Only a signed version has a final report'}>
              Final (signed)
            </button>
          </div>
        </div>
        {preview ? <ReportPreviewPanel preview={preview} /> : <p className="muted">No preview.</p>}
      </section>
      <div className="signoff-audit">
        <AuditTrailPanel revision={revision} />
      </div>
      {dialog === 'reviewer' && <ReviewerDialog onClose={() => setDialog(null)} />}
      {dialog && dialog !== 'reviewer' && <SignDialog mode={dialog} status={status} onClose={() => setDialog(null)} onAddReviewer={() => setDialog('reviewer')} />}
    </div>
  );
}
