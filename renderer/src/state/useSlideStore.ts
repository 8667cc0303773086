import { create } from 'zustand';
import type { RegionProposal, SlideView } from '../../../electron/shared/api/views.js';
import type { Rect } from '../../../electron/shared/domain/geometry.js';
import { api } from '../api';
import { useAppStore } from './useAppStore';

/** A region the user drew on the slide (level-0 px). */
export interface DrawnRegion {
  readonly id: string;
  readonly rect: Rect;
}

interface SlideState {
  slide: SlideView | null;
  opening: boolean;
  drawn: readonly DrawnRegion[];
  proposals: readonly RegionProposal[];
  /** Proposals the user ticked for analysis. */
  chosen: ReadonlySet<string>;
  proposing: boolean;
  /** Where the viewer should look next (a cell in context); consumed by the viewer. */
  focusPoint: { x: number; y: number; zoomWidth: number; seq: number } | null;
  open(path: string): Promise<boolean>;
  show(slide: SlideView): void;
  addRegion(rect: Rect): void;
  removeRegion(id: string): void;
  clearRegions(): void;
  propose(): Promise<void>;
  toggleProposal(id: string): void;
  lookAt(x: number, y: number, zoomWidth?: number): void;
}

let regionSeq = 0;
let focusSeq = 0;

/** The open slide, the regions drawn or proposed on it, and where the viewer should look. */
export const useSlideStore = create<SlideState>((set, get) => ({
  slide: null,
  opening: false,
  drawn: [],
  proposals: [],
  chosen: new Set(),
  proposing: false,
  focusPoint: null,
  async open(path) {
    set({ opening: true });
    const r = await api.openSlide({ path });
    set({ opening: false });
    if (!r.ok) {
      useAppStore.getState().showError(r.error);
      return false;
    }
    get().show(r.value);
    return true;
  },
  show(slide) {
    if (get().slide?.slideId !== slide.slideId) set({ drawn: [], proposals: [], chosen: new Set(), focusPoint: null });
    set({ slide });
    useAppStore.getState().clearNotice();
  },
  addRegion: (rect) => set((s) => ({ drawn: [...s.drawn, { id: `roi-${++regionSeq}`, rect }] })),
  removeRegion: (id) => set((s) => ({ drawn: s.drawn.filter((r) => r.id !== id) })),
  clearRegions: () => set({ drawn: [], chosen: new Set() }),
  async propose() {
    const slide = get().slide;
    if (!slide) return;
    set({ proposing: true });
    const r = await api.proposeRegions({ slideId: slide.slideId, limit: 12 });
    set({ proposing: false });
    if (!r.ok) return useAppStore.getState().showError(r.error);
    set({ proposals: r.value, chosen: new Set(r.value.slice(0, 3).map((p) => p.regionId)) });
  },
  toggleProposal: (id) =>
    set((s) => {
      const chosen = new Set(s.chosen);
      if (chosen.has(id)) chosen.delete(id);
      else chosen.add(id);
      return { chosen };
    }),
  lookAt: (x, y, zoomWidth = 400) => set({ focusPoint: { x, y, zoomWidth, seq: ++focusSeq } }),
}));
