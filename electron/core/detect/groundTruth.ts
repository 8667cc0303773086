import sharp from 'sharp';

/**
 * Readers for the labelled field datasets used to evaluate detection (../shared/data/fields):
 * TXL-PBC YOLO boxes and SegPC plasma-cell masks. Positions are in image pixels (edge coordinates).
 */

/** A TXL-PBC image source, recognised by its image size, with its µm/px. */
export interface TxlSource {
  readonly name: string;
  readonly micronsPerPixel: number;
  readonly sizes: readonly (readonly [number, number])[];
}

/**
 * The four TXL-PBC sources. Raabin, PBC and BCCD use the dataset README's µm/px; BCD has none and
 * is estimated from its red cells: median red-cell box 74 px on the train split for a ≈7.5 µm red
 * cell → 0.10 µm/px (the same rule gives 0.061 for Raabin, 0.105 for PBC and 0.078 for BCCD,
 * matching the README values). 366×369 images are PBC crops (red cells 73 px).
 */
export const TXL_SOURCES: readonly TxlSource[] = [
  { name: 'Raabin 575×575', micronsPerPixel: 0.06, sizes: [[575, 575]] },
  { name: 'PBC 360×363', micronsPerPixel: 0.1, sizes: [[360, 363], [366, 369]] },
  { name: 'BCCD 640×480', micronsPerPixel: 0.077, sizes: [[640, 480]] },
  { name: 'BCD 416×416', micronsPerPixel: 0.1, sizes: [[416, 416]] },
];

/** The source of a TXL-PBC image from its size; throws for a size no source has. */
export function txlSourceOf(width: number, height: number): TxlSource {
  const s = TXL_SOURCES.find((src) => src.sizes.some(([w, h]) => w === width && h === height));
  if (!s) throw new Error(`No TXL-PBC source has images of ${width}×${height}`);
  return s;
}

/** Centres of the white-cell boxes (YOLO class 0) of one label file, in image px. */
export function readTxlWhiteCells(labelText: string, width: number, height: number): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (const line of labelText.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/).map(Number);
    if (f.length < 5 || f.some((v) => !Number.isFinite(v))) continue;
    if (f[0] === 0) out.push({ x: f[1]! * width, y: f[2]! * height });
  }
  return out;
}

/** µm/px of the SegPC fields as re-packaged at 512×512 (red cells ≈ 37 px for ≈ 7.5 µm). */
export const SEGPC_MICRONS_PER_PIXEL = 0.2;

/** Components smaller than this are JPEG speckle in the masks, not cells (µm²). */
const MIN_PLASMA_CELL_AREA_UM2 = 8;

/**
 * Plasma-cell centroids from a SegPC mask (JPEG): pixels > 127, 8-connected components, each
 * component's pixel centroid. Touching cells merged in the mask count as one labelled cell.
 */
export async function readPlasmaCells(maskFile: string, micronsPerPixel = SEGPC_MICRONS_PER_PIXEL): Promise<{ x: number; y: number; areaPx: number }[]> {
  const { data, info } = await sharp(maskFile).greyscale().raw().toBuffer({ resolveWithObject: true });
  const W = info.width;
  const H = info.height;
  const on = (i: number) => data[i * info.channels]! > 127;
  const seen = new Uint8Array(W * H);
  const minArea = MIN_PLASMA_CELL_AREA_UM2 / (micronsPerPixel * micronsPerPixel);
  const out: { x: number; y: number; areaPx: number }[] = [];
  const stack: number[] = [];
  for (let start = 0; start < W * H; start++) {
    if (seen[start] || !on(start)) continue;
    seen[start] = 1;
    stack.push(start);
    let n = 0;
    let sx = 0;
    let sy = 0;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % W;
      const y = (i - x) / W;
      n++;
      sx += x + 0.5;
      sy += y + 0.5;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
          const j = yy * W + xx;
          if (!seen[j] && on(j)) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    if (n >= minArea) out.push({ x: sx / n, y: sy / n, areaPx: n });
  }
  return out;
}
