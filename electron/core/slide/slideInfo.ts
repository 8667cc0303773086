import type { OpenSlideHandle } from '../../../native/lib/types.js';
import type { SlideInfo } from '../../shared/domain/Slide.js';
import { calibrationFromProperties, objectivePowerFromProperties } from '../../shared/domain/PixelCalibration.js';

/** Builds the SlideInfo of an open handle (levels indexed, calibration and objective power parsed, background defaulted to white). */
export function slideInfoFromHandle(handle: OpenSlideHandle, quickHash: string): SlideInfo {
  const props = handle.properties;
  const bg = props['openslide.background-color'];
  const level0 = handle.levels[0];
  if (!level0) throw new Error(`OpenSlide reported no levels for ${handle.path}`);
  return Object.freeze({
    path: handle.path,
    vendor: handle.vendor,
    width: level0.width,
    height: level0.height,
    levels: Object.freeze(handle.levels.map((l, index) => Object.freeze({ index, width: l.width, height: l.height, downsample: l.downsample }))),
    calibration: calibrationFromProperties(props, handle.vendor),
    objectivePower: objectivePowerFromProperties(props),
    associatedImages: Object.freeze([...handle.associatedImageNames]),
    quickHash,
    backgroundColor: bg !== undefined && /^[0-9a-fA-F]{6}$/.test(bg) ? bg.toLowerCase() : 'ffffff',
    properties: props,
  });
}
