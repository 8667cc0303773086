import { AppError } from '../../../electron/shared/errors/AppError.js';
import { deepZoomGrid } from '../../../electron/shared/domain/DeepZoom.js';
import type { SlideInfo } from '../../../electron/shared/domain/Slide.js';
import type { SlidePort } from '../../../electron/core/api/ports.js';

/** A SlideInfo for handler-logic tests (real slides are exercised in test/integration/api). */
export function fakeSlideInfo(path: string, calibrated = true): SlideInfo {
  return {
    path,
    vendor: 'aperio',
    width: 4000,
    height: 3000,
    levels: [{ index: 0, width: 4000, height: 3000, downsample: 1 }],
    calibration: calibrated ? { kind: 'calibrated', x: 0.25, y: 0.25, source: 'openslide.mpp' } : { kind: 'uncalibrated' },
    objectivePower: 40,
    associatedImages: [],
    quickHash: 'hash-' + path,
    backgroundColor: 'ffffff',
    properties: {},
  };
}

/** A SlidePort over fake infos: paths containing "missing" are SLIDE_NOT_FOUND, "plain" are uncalibrated. */
export function fakeSlides(): SlidePort & { tiles: string[] } {
  const tiles: string[] = [];
  return {
    tiles,
    info: async (path) => {
      if (path.includes('missing')) throw new AppError('SLIDE_NOT_FOUND', `No such file: ${path}`);
      return fakeSlideInfo(path, !path.includes('plain'));
    },
    grid: async () => deepZoomGrid(4000, 3000),
    tile: async (path, level, col, row) => {
      tiles.push(`${path}:${level}/${col}_${row}`);
      return { data: new Uint8Array([1]), contentType: 'image/jpeg' };
    },
    thumbnail: async () => ({ data: new Uint8Array([2]), contentType: 'image/jpeg' }),
  };
}
