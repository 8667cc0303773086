import sharp from 'sharp';
import { openCaseStore, type CaseStore } from '../../electron/core/store/index.js';
import type { SlidePort } from '../../electron/core/api/ports.js';
import { rectPolygon } from '../../electron/core/analysis/rectPolygon.js';

/** The run's classes, in probability order. */
export const CLASSES = ['M1', 'M6', 'ER3', 'L2'] as const;
/** A slide port for API tests that never touch pixels. */
export const noSlides: SlidePort = {
  info: async () => {
    throw new Error('not used');
  },
  grid: async () => {
    throw new Error('not used');
  },
  tile: async () => {
    throw new Error('not used');
  },
  thumbnail: async () => {
    throw new Error('not used');
  },
};

/** A real case file at `path` with one completed run of 40 cells: 10 per class, entropies spread out, a JPEG crop each. */
export async function seedCaseFile(path: string): Promise<{ store: CaseStore; runId: number }> {
  const store = openCaseStore(path);
  const slide = store.slides.add({
    path: '/slides/case-7.svs',
    quickHash: 'a'.repeat(64),
    vendor: 'aperio',
    width: 4000,
    height: 3000,
    calibration: { kind: 'calibrated', x: 0.25, y: 0.25, source: 'openslide.mpp' },
    objectivePower: 40,
  });
  const run = store.runs.start({ slideId: slide.id, manifestHash: 'm'.repeat(64), memberHashes: { 'a.onnx': 'h' }, classCodes: [...CLASSES], appVersion: '0.1.0', parameters: {} });
  const [region] = store.regions.addMany(run.id, [{ orderIndex: 0, geometry: rectPolygon(0, 0, 2000, 2000), source: 'manual' }]);
  const crop = await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 200, g: 120, b: 200 } } }).jpeg().toBuffer();
  const cells = Array.from({ length: 40 }, (_, i) => {
    const k = i % 4;
    const p = [0.1, 0.1, 0.1, 0.1];
    p[k] = 0.7;
    return {
      localIndex: i,
      centroid: { x: 50 + 45 * i, y: 100 + 10 * i },
      bbox: { x: 40 + 45 * i, y: 90 + 10 * i, width: 20, height: 20 },
      crop: new Uint8Array(crop),
      probabilities: p,
      predictedCode: CLASSES[k]!,
      entropy: (i / 40) * Math.log(4),
      agreement: 1,
      margin: 0.6,
      mutualInformation: 0.01,
    };
  });
  store.cells.insertBatch(region!.id, cells);
  store.runs.finish(run.id, 'completed');
  return { store, runId: run.id };
}
