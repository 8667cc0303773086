import { create } from 'zustand';
import type { DifferentialView } from '../../../electron/shared/api/views.js';
import type { BlastDefinitionName, MeConvention } from '../../../electron/shared/domain/differential/index.js';
import { api } from '../api';
import { useAppStore } from './useAppStore';

interface DifferentialState {
  view: DifferentialView | null;
  blastDefinition: BlastDefinitionName;
  meConvention: MeConvention;
  /** Bumped on every refresh, so tests and benchmarks can wait for the panel to show a new state. */
  version: number;
  refresh(runId: string | null): Promise<void>;
  /** Shows a differential the host returned with a review write. */
  show(view: DifferentialView): void;
  setBlastDefinition(name: BlastDefinitionName, runId: string | null): void;
  setMeConvention(convention: MeConvention, runId: string | null): void;
}

/** The live differential of the run under review, with the laboratory's counting conventions. */
export const useDifferentialStore = create<DifferentialState>((set, get) => ({
  view: null,
  blastDefinition: 'icsh',
  meConvention: 'icsh-with-monocytes',
  version: 0,
  async refresh(runId) {
    if (!runId) return set({ view: null });
    const r = await api.getDifferential({ runId, blastDefinition: get().blastDefinition, meConvention: get().meConvention });
    if (!r.ok) return useAppStore.getState().showError(r.error);
    set((s) => ({ view: r.value, version: s.version + 1 }));
  },
  show: (view) => set((s) => ({ view, version: s.version + 1 })),
  setBlastDefinition(name, runId) {
    set({ blastDefinition: name });
    void get().refresh(runId);
  },
  setMeConvention(convention, runId) {
    set({ meConvention: convention });
    void get().refresh(runId);
  },
}));
