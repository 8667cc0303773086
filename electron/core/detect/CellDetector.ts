import type { Detection } from '../../shared/domain/Detection.js';

/** Pixels handed to a detector: interleaved 8-bit RGB or RGBA, row-major, no padding between rows. */
export interface DetectorImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA; pixels with alpha 0, e.g. outside a slide, are treated as white glass). */
  readonly channels: 3 | 4;
}

/** µm per pixel OF THE IMAGE HANDED IN (a region read at downsample d has d × the level-0 µm/px). */
export interface DetectorCalibration {
  readonly micronsPerPixel: number;
}

/**
 * Where the image sits on the slide: image pixel (i, j) covers level-0 point
 * (x + i · downsample, y + j · downsample). A plain image file is `{ x: 0, y: 0, downsample: 1 }`.
 */
export interface DetectorOrigin {
  readonly x: number;
  readonly y: number;
  readonly downsample: number;
}

/** The image origin of a plain image file: its own pixels are the level-0 pixels. */
export const IMAGE_ORIGIN: DetectorOrigin = Object.freeze({ x: 0, y: 0, downsample: 1 });

/**
 * Finds nucleated cells in an image. The classical Romanowsky detector implements it today; a
 * learned detector (e.g. a YOLO-style ONNX model) can implement the same interface later.
 */
export interface CellDetector {
  /** Name and version written into each Detection's `detector` field and into run provenance. */
  readonly name: string;
  /** Detections in level-0 px (via `origin`); never returns cells whose centroid lies outside the image. */
  detect(image: DetectorImage, calibration: DetectorCalibration, origin?: DetectorOrigin): Promise<Detection[]>;
}
