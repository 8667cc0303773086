import { checkCrop, type CellCrop } from './CellCrop.js';
import type { ModelInputSpec } from './ModelManifest.js';
import type { RgbImage } from './RgbImage.js';
import { resampleRgb } from './resampleRgb.js';

/** Pixel size an image of width × height at `fromMpp` µm/px has at `toMpp` µm/px (rounded, at least 1). */
export function resampledSize(width: number, height: number, fromMpp: number, toMpp: number): { width: number; height: number } {
  const f = fromMpp / toMpp;
  return { width: Math.max(1, Math.round(width * f)), height: Math.max(1, Math.round(height * f)) };
}

/**
 * Offsets that centre an image of `length` pixels in a window of `size`: when larger it is cropped
 * from `src` (floor((length − size)/2)), when smaller it is placed at `dst` (floor((size − length)/2)) and padded.
 */
export function centreOffsets(length: number, size: number): { src: number; dst: number; count: number } {
  return length >= size
    ? { src: Math.floor((length - size) / 2), dst: 0, count: size }
    : { src: 0, dst: Math.floor((size - length) / 2), count: length };
}

/** Per output channel: 256-entry tables mapping a byte to (v / scale − mean) / std, and the source channel. */
export function normalisationTables(spec: ModelInputSpec): { lut: Float32Array[]; sourceChannel: number[] } {
  const sourceChannel = spec.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const lut = [0, 1, 2].map((c) => {
    const t = new Float32Array(256);
    // Float32 steps, as torch does (uint8 → float32 / scale, − mean, / std), so values match to ~1 ulp.
    const scale = Math.fround(spec.scale);
    const mean = Math.fround(spec.mean[c]!);
    const std = Math.fround(spec.std[c]!);
    for (let v = 0; v < 256; v++) t[v] = Math.fround(Math.fround(Math.fround(v / scale) - mean) / std);
    return t;
  });
  return { lut, sourceChannel };
}

/**
 * Writes one image into an NCHW float tensor at element `offset`: centre crop or pad (padValue,
 * default white) to spec.size × spec.size, channel order, then (v / scale − mean) / std.
 */
export function writeInputTensor(
  image: RgbImage,
  spec: ModelInputSpec,
  out: Float32Array,
  offset: number,
  tables = normalisationTables(spec),
): void {
  const size = spec.size;
  const plane = size * size;
  const pad = spec.padValue ?? [255, 255, 255];
  const xs = centreOffsets(image.width, size);
  const ys = centreOffsets(image.height, size);
  for (let c = 0; c < 3; c++) {
    const lut = tables.lut[c]!;
    const sc = tables.sourceChannel[c]!;
    const base = offset + c * plane;
    out.fill(lut[pad[sc]!]!, base, base + plane);
    for (let y = 0; y < ys.count; y++) {
      const srcRow = ((ys.src + y) * image.width + xs.src) * 3 + sc;
      const dstRow = base + (ys.dst + y) * size + xs.dst;
      for (let x = 0; x < xs.count; x++) out[dstRow + x] = lut[image.data[srcRow + x * 3]!]!;
    }
  }
}

/** Crops → one NCHW float32 batch tensor [crops.length, 3, size, size], resampled to the model's µm/px. */
export function preprocessCrops(crops: readonly CellCrop[], spec: ModelInputSpec): Float32Array {
  crops.forEach(checkCrop);
  const per = 3 * spec.size * spec.size;
  const out = new Float32Array(crops.length * per);
  const tables = normalisationTables(spec);
  crops.forEach((crop, i) => {
    const to = resampledSize(crop.width, crop.height, crop.micronsPerPixel, spec.micronsPerPixel);
    writeInputTensor(resampleRgb(crop, to.width, to.height), spec, out, i * per, tables);
  });
  return out;
}
