// Shared builders for the case-store integration tests: temp case files and valid slides, runs, regions and cells.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseStore, NewCell, NewRegion } from '../../../electron/core/store/index.js';

/** A fresh temp folder; the returned function removes it. */
export function tempDir(prefix = 'marrowscope-store-'): { dir: string; file: (name?: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name = 'case.marrowscope') => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Class order of the test runs (a 4-class model). */
export const TEST_CLASSES = ['M1', 'M6', 'ER3', 'L2'] as const;

/** Records a slide and starts a run on it; returns their ids. */
export function startRun(store: CaseStore, quickHash = 'a'.repeat(64)): { slideId: number; runId: number } {
  const slide = store.slides.add({
    path: `/slides/${quickHash.slice(0, 6)}.svs`,
    quickHash,
    vendor: 'aperio',
    width: 40_000,
    height: 30_000,
    calibration: { kind: 'calibrated', x: 0.25, y: 0.25, source: 'openslide.mpp' },
    objectivePower: 40,
  });
  const run = store.runs.start({
    slideId: slide.id,
    manifestHash: 'f'.repeat(64),
    memberHashes: { 'member-1.onnx': '1'.repeat(64), 'member-2.onnx': '2'.repeat(64) },
    classCodes: [...TEST_CLASSES],
    appVersion: '0.1.0-test',
    parameters: { regionSize: 512, maxCells: 3000 },
  });
  return { slideId: slide.id, runId: run.id };
}

/** A square region of `size` px at (x, y). */
export function squareRegion(orderIndex: number, x: number, y: number, size = 512): NewRegion {
  return {
    orderIndex,
    geometry: { type: 'Polygon', coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]] },
    source: 'automatic',
  };
}

/** `n` cells laid out on a grid inside the region at (x0, y0), 20×20 px boxes every 25 px, predicted round-robin. */
export function gridCells(n: number, x0 = 0, y0 = 0, options: { cropBytes?: number; perRow?: number } = {}): NewCell[] {
  const perRow = options.perRow ?? 20;
  return Array.from({ length: n }, (_, i) => {
    const bx = x0 + (i % perRow) * 25;
    const by = y0 + Math.floor(i / perRow) * 25;
    const k = i % TEST_CLASSES.length;
    const probabilities = TEST_CLASSES.map((_, j) => (j === k ? 0.7 : 0.1));
    return {
      localIndex: i,
      centroid: { x: bx + 10, y: by + 10 },
      bbox: { x: bx, y: by, width: 20, height: 20 },
      outline: [
        { x: bx, y: by },
        { x: bx + 20, y: by },
        { x: bx + 20, y: by + 20 },
      ],
      measurements: { areaUm2: 25 + (i % 7) },
      crop: options.cropBytes ? Buffer.alloc(options.cropBytes, i % 251) : null,
      probabilities,
      predictedCode: TEST_CLASSES[k] as string,
      entropy: (i % 97) / 97,
      mutualInformation: (i % 13) / 13,
      agreement: 1 - (i % 5) / 5,
      margin: (i % 11) / 11,
    };
  });
}
