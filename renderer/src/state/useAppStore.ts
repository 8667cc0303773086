import { create } from 'zustand';
import type { AppInfo, TaxonomyClass } from '../../../electron/shared/api/views.js';
import type { ErrorInfo } from '../../../electron/shared/errors/AppError.js';
import { api } from '../api';
import { describeError } from '../errors/messages';

/** The work screens. */
export type Screen = 'worklist' | 'viewer' | 'review' | 'signoff';

/** A message shown in the notice bar (errors keep their host detail). */
export interface Notice {
  readonly kind: 'error' | 'info';
  readonly title: string;
  readonly advice: string;
  readonly detail: string;
}

interface AppState {
  info: AppInfo | null;
  taxonomy: readonly TaxonomyClass[];
  screen: Screen;
  notice: Notice | null;
  init(): Promise<void>;
  setScreen(screen: Screen): void;
  showError(error: ErrorInfo): void;
  showInfo(title: string, advice?: string): void;
  clearNotice(): void;
}

/** Host info, the taxonomy, the current screen and the notice bar. */
export const useAppStore = create<AppState>((set) => ({
  info: null,
  taxonomy: [],
  screen: 'worklist',
  notice: null,
  async init() {
    const [info, taxonomy] = await Promise.all([api.getAppInfo({}), api.getTaxonomy({})]);
    if (!info.ok) return set({ notice: { kind: 'error', ...describeError(info.error) } });
    if (!taxonomy.ok) return set({ notice: { kind: 'error', ...describeError(taxonomy.error) } });
    set({ info: info.value, taxonomy: taxonomy.value.classes });
  },
  setScreen: (screen) => set({ screen }),
  showError: (error) => set({ notice: { kind: 'error', ...describeError(error) } }),
  showInfo: (title, advice = '') => set({ notice: { kind: 'info', title, advice, detail: '' } }),
  clearNotice: () => set({ notice: null }),
}));

/** The taxonomy entry of a code (or a placeholder for an unknown code). */
export function classOf(taxonomy: readonly TaxonomyClass[], code: string): TaxonomyClass | undefined {
  return taxonomy.find((c) => c.code === code);
}
