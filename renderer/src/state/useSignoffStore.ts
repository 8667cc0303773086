import { create } from 'zustand';
import type { RequestOf } from '../../../electron/shared/api/contract.js';
import type { CaseDetailsView, ExportFormat, ExportResult, ReportPreview, SignoffView } from '../../../electron/shared/api/signoffViews.js';
import type { ErrorInfo } from '../../../electron/shared/errors/AppError.js';
import { api } from '../api';
import { useAppStore } from './useAppStore';
import { useDifferentialStore } from './useDifferentialStore';

/** Sign requests without the run and the counting conventions (the store adds both). */
type SignInput = Omit<RequestOf<'signReport'>, 'runId' | 'blastDefinition' | 'meConvention'>;
type SecondSignInput = Omit<RequestOf<'secondSign'>, 'runId'>;
type AmendInput = Omit<RequestOf<'amendReport'>, 'runId'>;

interface SignoffState {
  runId: string | null;
  status: SignoffView | null;
  preview: ReportPreview | null;
  /** Whether the preview shows the draft (current labels) or the final (signed) report. */
  previewDraft: boolean;
  /** Exports written in this session, newest first. */
  exports: readonly ExportResult[];
  exporting: ExportFormat | null;
  /** Bumped after every write, so audit views refresh. */
  revision: number;
  /** Status, then the preview that matches it (the sign-off screen). */
  load(runId: string | null): Promise<void>;
  /** Status only (the review screen's lock banner). */
  loadStatus(runId: string | null): Promise<SignoffView | null>;
  setPreviewDraft(draft: boolean): Promise<void>;
  /** The dialog actions answer the host's error (shown in the dialog), or null on success. */
  sign(input: SignInput): Promise<ErrorInfo | null>;
  secondSign(input: SecondSignInput): Promise<ErrorInfo | null>;
  amend(input: AmendInput): Promise<ErrorInfo | null>;
  addReviewer(input: RequestOf<'addReviewer'>): Promise<ErrorInfo | null>;
  saveDetails(details: Partial<Omit<CaseDetailsView, 'enteredBy' | 'enteredAt'>>): Promise<ErrorInfo | null>;
  exportAs(format: ExportFormat, directory: string | null): Promise<void>;
}

/** The sign-off screen's state: the run's sign-off status, the report preview, and this session's exports. */
export const useSignoffStore = create<SignoffState>((set, get) => {
  const conventions = () => {
    const d = useDifferentialStore.getState();
    return { blastDefinition: d.blastDefinition, meConvention: d.meConvention };
  };
  const refreshPreview = async (runId: string, draft: boolean) => {
    const r = await api.previewReport({ runId, draft, ...(draft ? conventions() : {}) });
    if (get().runId !== runId) return;
    if (!r.ok) {
      set({ preview: null });
      return useAppStore.getState().showError(r.error);
    }
    set({ preview: r.value, previewDraft: draft });
  };
  /** After a signing action: the new status, the preview that matches it, and a notice. */
  const settle = async (status: SignoffView, notice: string) => {
    set((s) => ({ status, revision: s.revision + 1 }));
    useAppStore.getState().showInfo(notice);
    await refreshPreview(status.runId, !status.locked);
  };

  return {
    runId: null,
    status: null,
    preview: null,
    previewDraft: true,
    exports: [],
    exporting: null,
    revision: 0,
    async load(runId) {
      const status = await get().loadStatus(runId);
      // A locked run shows what was signed; anything else shows the draft of the current labels.
      if (runId && status) await refreshPreview(runId, !status.locked);
    },
    async loadStatus(runId) {
      if (runId !== get().runId) set({ runId, status: null, preview: null, exports: [] });
      if (!runId) return null;
      const r = await api.getSignoff({ runId });
      if (get().runId !== runId) return null;
      if (!r.ok) {
        useAppStore.getState().showError(r.error);
        return null;
      }
      set((s) => ({ status: r.value, revision: s.revision + 1 }));
      return r.value;
    },
    async setPreviewDraft(draft) {
      const runId = get().runId;
      if (runId) await refreshPreview(runId, draft);
    },
    async sign(input) {
      const runId = get().runId;
      if (!runId) return null;
      const r = await api.signReport({ ...input, runId, ...conventions() });
      if (!r.ok) return r.error;
      const v = r.value.versions.at(-1);
      await settle(r.value, `Signed version ${v?.version ?? ''} (${input.meaning}); the labels of this run are now locked`);
      return null;
    },
    async secondSign(input) {
      const runId = get().runId;
      if (!runId) return null;
      const r = await api.secondSign({ ...input, runId });
      if (!r.ok) return r.error;
      const n = input.disagreements?.length ?? 0;
      await settle(r.value, `Second signature recorded (${input.meaning}) with ${n} disagreement${n === 1 ? '' : 's'}`);
      return null;
    },
    async amend(input) {
      const runId = get().runId;
      if (!runId) return null;
      const r = await api.amendReport({ ...input, runId });
      if (!r.ok) return r.error;
      await settle(r.value, `Amendment opened as version ${r.value.latestVersion ?? ''}: labels can change until it is signed`);
      return null;
    },
    async addReviewer(input) {
      const r = await api.addReviewer(input);
      if (!r.ok) return r.error;
      const status = get().status;
      set((s) => ({ status: status ? { ...status, reviewers: r.value } : null, revision: s.revision + 1 }));
      return null;
    },
    async saveDetails(details) {
      const r = await api.setCaseDetails(details);
      if (!r.ok) return r.error;
      const { status, runId } = get();
      set((s) => ({ status: status ? { ...status, caseDetails: r.value } : null, revision: s.revision + 1 }));
      if (runId) await refreshPreview(runId, get().previewDraft);
      return null;
    },
    async exportAs(format, directory) {
      const { runId, status } = get();
      if (!runId || !status) return;
      set({ exporting: format });
      const draft = !status.locked;
      const r = await api.exportReport({ runId, format, draft, ...(directory ? { directory } : {}), ...(draft ? conventions() : {}) });
      set({ exporting: null });
      if (!r.ok) return useAppStore.getState().showError(r.error);
      set((s) => ({ exports: [r.value, ...s.exports], revision: s.revision + 1 }));
      useAppStore.getState().showInfo(`Exported ${FORMAT_LABELS[format]}${r.value.final ? '' : ' (draft)'}`, r.value.files.map((f) => f.path).join(' · '));
    },
  };
});

/** How each export format is named on buttons and in notices. */
export const FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = {
  pdf: 'PDF report',
  csv: 'CSV tables',
  fhir: 'FHIR R4 bundle',
  geojson: 'QuPath GeoJSON',
  bundle: 'Case bundle',
};
