import { create } from 'zustand';
import type { AnalysisStatus } from '../../../electron/shared/api/views.js';
import type { RegionInput } from '../../../electron/shared/api/index.js';
import { api, onEvent } from '../api';
import { useAppStore } from './useAppStore';

interface AnalysisState {
  /** The run under review (or running). */
  runId: string | null;
  status: AnalysisStatus | null;
  starting: boolean;
  start(slideId: string, regions: readonly RegionInput[]): Promise<string | null>;
  cancel(): Promise<void>;
  useRun(runId: string): Promise<void>;
}

/** The current analysis run and its live progress (from host events). */
export const useAnalysisStore = create<AnalysisState>((set, get) => ({
  runId: null,
  status: null,
  starting: false,
  async start(slideId, regions) {
    set({ starting: true });
    const r = await api.startAnalysis({ slideId, regions: [...regions] });
    set({ starting: false });
    if (!r.ok) {
      useAppStore.getState().showError(r.error);
      return null;
    }
    set({ runId: r.value.runId, status: r.value });
    return r.value.runId;
  },
  async cancel() {
    const runId = get().runId;
    if (!runId) return;
    const r = await api.cancelAnalysis({ runId });
    if (!r.ok) return useAppStore.getState().showError(r.error);
    set({ status: r.value });
  },
  async useRun(runId) {
    set({ runId, status: null });
    const r = await api.getAnalysisStatus({ runId });
    if (r.ok && get().runId === runId) set({ status: r.value });
  },
}));

onEvent((name, payload) => {
  if (name !== 'analysisProgress' && name !== 'analysisFinished') return;
  const { runId, status } = useAnalysisStore.getState();
  if ((payload as { runId: string }).runId !== runId || !status) return;
  if (name === 'analysisProgress') {
    const p = payload as { regionsDone: number; regionsTotal: number; cellsFound: number; cellsClassified: number; etaSeconds: number | null };
    useAnalysisStore.setState({ status: { ...status, progress: { regionsDone: p.regionsDone, regionsTotal: p.regionsTotal, cellsFound: p.cellsFound, cellsClassified: p.cellsClassified, etaSeconds: p.etaSeconds } } });
  } else if (name === 'analysisFinished') {
    // Re-read the run as the store holds it, so the screen shows what the database says.
    void api.getAnalysisStatus({ runId }).then((r) => {
      if (r.ok && useAnalysisStore.getState().runId === runId) useAnalysisStore.setState({ status: r.value });
    });
  }
});
