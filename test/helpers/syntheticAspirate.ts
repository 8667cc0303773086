/**
 * A synthetic bone-marrow aspirate whole-slide image built from REAL field images, with known
 * content per mosaic cell and known cell positions, for region-proposal and detection tests.
 *
 * Layout: 6 × 4 mosaic cells of 1024 × 1024 level-0 px (256 µm at 0.25 µm/px; 2 × 2 proposal tiles each):
 * - marrow: 3 × 4 SegPC-2021 aspirate fields (letterbox cut, ≈0.2 → 0.25 µm/px); plasma cells known from the masks;
 * - blurred: marrow fields under a Gaussian blur (σ = 1 µm): cellular but out of focus;
 * - blood: red-cell-only strips cut beside the white cell of TXL-PBC's PBC-source fields (≈0.1 → 0.25 µm/px),
 *   plus two whole fields whose white cells are known ("few WBC");
 * - thick: three marrow layouts multiplied together: a dark, overlapping particle;
 * - blank: glass (near-white).
 * Written as an Aperio-style SVS (JPEG q95, MPP 0.25, AppMag 40) by test/helpers/syntheticSlide.ts, plus
 * a copy whose description has no MPP. Cached under the OS temp dir keyed by a hash of the inputs.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { sharedDataDir } from '../../electron/core/paths.js';
import { connectedComponents } from '../../electron/core/regions/connectedComponents.js';
import type { Point, Rect } from '../../electron/shared/domain/geometry.js';
import { pointInRect } from '../../electron/shared/domain/geometry.js';
import { buildAperioSvs, syntheticSlideSkipReason } from './syntheticSlide.js';

const run = promisify(execFile);

/** What a mosaic cell holds. */
export type MosaicKind = 'marrow' | 'blurred' | 'blood' | 'thick' | 'blank';

/** One cell of the mosaic, in level-0 px. */
export interface MosaicCell {
  readonly col: number;
  readonly row: number;
  readonly kind: MosaicKind;
  readonly rect: Rect;
}

/** A cell whose position is known from the source annotations, in level-0 px. */
export interface KnownCell extends Point {
  /** 'plasma': a SegPC mask component's centroid; 'wbc': a TXL-PBC white-cell box's centre. */
  readonly kind: 'plasma' | 'wbc';
  /** The mosaic cell it lies in. */
  readonly mosaic: MosaicKind;
}

/** The built slide and what is known about it. */
export interface SyntheticAspirate {
  /** Aperio SVS with MPP = 0.25. */
  readonly path: string;
  /** The same pixels, but the description has no MPP: OpenSlide reports no calibration. */
  readonly pathWithoutMpp: string;
  readonly width: number;
  readonly height: number;
  readonly mpp: number;
  readonly cellSize: number;
  readonly cells: readonly MosaicCell[];
  readonly knownCells: readonly KnownCell[];
}

/** Level-0 µm per px of the built slide. */
export const ASPIRATE_MPP = 0.25;
/** Mosaic cell edge in level-0 px. */
export const MOSAIC_CELL = 1024;
/** Rows of the mosaic: M marrow, F blurred marrow, B blood, T thick particle, . blank glass. */
export const MOSAIC_LAYOUT = ['MMB.TM', 'MBMF.M', '.MTMBM', 'BM.BMM'] as const;

const KINDS: Readonly<Record<string, MosaicKind>> = { M: 'marrow', F: 'blurred', B: 'blood', T: 'thick', '.': 'blank' };
// Bump when the pixels this file writes change, so caches rebuild.
const BUILD_VERSION = 3;
const SEGPC_MPP = 0.2; // 512-px SegPC fields (data/README.md)
const PBC_MPP = 0.1; // 360×363 PBC fields (data/README.md)
// SegPC's 512² images are letterboxed 4:3 fields: rows ≈ 62..449 hold the field; cut a little inside.
const SEGPC_CONTENT = { left: 0, top: 66, width: 512, height: 380 };
const GLASS = 242;
const MIN_PLASMA_AREA_PX = 200; // level-0 px² (12.5 µm²): drops mask specks, keeps any real cell

interface Sources {
  readonly segpc: readonly string[]; // image file names, sorted
  readonly pbc: readonly { image: string; label: string }[]; // PBC-source TXL-PBC fields
  readonly segpcDir: string;
}

/** Why the synthetic aspirate cannot be built here (missing data or tools), or undefined when it can. */
export function syntheticAspirateSkipReason(): string | undefined {
  const tools = syntheticSlideSkipReason();
  if (tools) return tools;
  const data = sharedDataDir();
  for (const sub of ['fields/segpc-train/images', 'fields/segpc-train/masks', 'fields/txl-pbc/images', 'fields/txl-pbc/labels']) {
    if (!existsSync(join(data, sub))) return `real field images missing: ${join(data, sub)} (set MARROWSCOPE_DATA or provide ../shared/data)`;
  }
  return undefined;
}

/** The mosaic cell containing a level-0 point, if any. */
export function mosaicCellAt(aspirate: Pick<SyntheticAspirate, 'cells'>, p: Point): MosaicCell | undefined {
  return aspirate.cells.find((c) => pointInRect(p, c.rect));
}

/** Builds (or reuses from the temp-dir cache) the synthetic aspirate; ≈ 10–20 s the first time on 2 cores. */
export async function buildSyntheticAspirate(): Promise<SyntheticAspirate> {
  const sources = findSources();
  const key = cacheKey(sources);
  const dir = join(tmpdir(), `marrowscope-aspirate-${key}`);
  const metaPath = join(dir, 'aspirate.json');
  if (existsSync(metaPath)) return JSON.parse(await readFile(metaPath, 'utf8')) as SyntheticAspirate;

  // Build in a private folder and rename it into place, so parallel test processes never see half a slide.
  const work = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(work, { recursive: true });
  try {
    const built = await buildInto(work, dir, sources);
    await writeFile(join(work, 'aspirate.json'), JSON.stringify(built));
    try {
      await rename(work, dir);
    } catch (err) {
      if (!existsSync(metaPath)) throw err; // someone else won the race: use theirs
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return JSON.parse(await readFile(metaPath, 'utf8')) as SyntheticAspirate;
}

function findSources(): Sources {
  const data = sharedDataDir();
  const segpcDir = join(data, 'fields', 'segpc-train');
  const segpc = readdirSync(join(segpcDir, 'images'))
    .filter((n) => n.endsWith('.jpg') && existsSync(join(segpcDir, 'masks', n)))
    .sort();
  const txl = join(data, 'fields', 'txl-pbc');
  const pbc: { image: string; label: string }[] = [];
  for (const split of ['train', 'val', 'test']) {
    const dir = join(txl, 'images', split);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const label = join(txl, 'labels', split, name.replace(/\.jpg$/, '.txt'));
      if (name.endsWith('.jpg') && existsSync(label)) pbc.push({ image: join(dir, name), label });
    }
  }
  return { segpc, pbc, segpcDir };
}

function cacheKey(sources: Sources): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ BUILD_VERSION, MOSAIC_LAYOUT, MOSAIC_CELL, ASPIRATE_MPP }));
  for (const n of sources.segpc) h.update(`${n}:${statSync(join(sources.segpcDir, 'images', n)).size}:${statSync(join(sources.segpcDir, 'masks', n)).size}\n`);
  for (const f of sources.pbc) h.update(`${f.image}:${statSync(f.image).size}:${statSync(f.label).size}\n`);
  return h.digest('hex').slice(0, 16);
}

/** Straight RGB pixels. */
interface Rgb {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
}

/** A resampled SegPC field with its plasma-cell centroids (field px). */
interface MarrowField {
  readonly rgb: Rgb;
  readonly plasma: readonly Point[];
}

async function buildInto(work: string, finalDir: string, sources: Sources): Promise<SyntheticAspirate> {
  const cols = MOSAIC_LAYOUT[0].length;
  const rows = MOSAIC_LAYOUT.length;
  const width = cols * MOSAIC_CELL;
  const height = rows * MOSAIC_CELL;
  const canvas = Buffer.alloc(width * height * 3, GLASS);
  const cells: MosaicCell[] = [];
  const known: KnownCell[] = [];
  const fields = new FieldCursor(sources);
  const pbc = await pbcFields(sources);
  let bloodIndex = 0;

  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const kind = KINDS[MOSAIC_LAYOUT[row]?.[col] ?? '.'] ?? 'blank';
      const rect = { x: col * MOSAIC_CELL, y: row * MOSAIC_CELL, width: MOSAIC_CELL, height: MOSAIC_CELL };
      cells.push({ col, row, kind, rect });
      let tile: { rgb: Rgb; cells: Point[]; cellKind: KnownCell['kind'] } | null = null;
      if (kind === 'marrow' || kind === 'blurred') {
        const m = await marrowTile(fields);
        const rgb = kind === 'blurred' ? await blur(m.rgb, 1 / ASPIRATE_MPP) : m.rgb;
        tile = { rgb, cells: m.cells, cellKind: 'plasma' };
      } else if (kind === 'thick') {
        const layers = [await marrowTile(fields), await marrowTile(fields), await marrowTile(fields)];
        tile = { rgb: multiply(layers.map((l) => l.rgb)), cells: [], cellKind: 'plasma' };
      } else if (kind === 'blood') {
        const b = bloodTile(pbc, bloodIndex++);
        tile = { rgb: b.rgb, cells: b.cells, cellKind: 'wbc' };
      }
      if (!tile) continue;
      paste(canvas, width, tile.rgb, rect.x, rect.y);
      for (const p of tile.cells) known.push({ x: rect.x + p.x, y: rect.y + p.y, kind: tile.cellKind, mosaic: kind });
    }
  }

  const vPath = join(work, 'mosaic.v');
  await sharp(canvas, { raw: { width, height, channels: 3 } }).toFile(vPath);
  const svs = join(work, 'aspirate.svs');
  await buildAperioSvs(vPath, svs, { mpp: ASPIRATE_MPP, appMag: 40, compression: 'jpeg', quality: 95 });
  await rm(vPath, { force: true });
  const noMpp = join(work, 'aspirate-no-mpp.svs');
  await copyFile(svs, noMpp);
  await run('tiffset', ['-d', '0', '-s', '270', `Aperio Image Library v12.0.15 \n${width}x${height} (256x256) JPEG/RGB|AppMag = 40|Filename = synthetic-no-mpp`, noMpp]);
  return {
    path: join(finalDir, 'aspirate.svs'),
    pathWithoutMpp: join(finalDir, 'aspirate-no-mpp.svs'),
    width,
    height,
    mpp: ASPIRATE_MPP,
    cellSize: MOSAIC_CELL,
    cells,
    knownCells: known,
  };
}

/** Hands out SegPC fields in sorted order, each once. */
class FieldCursor {
  private next = 0;
  constructor(private readonly sources: Sources) {}

  async take(): Promise<MarrowField> {
    const name = this.sources.segpc[this.next++ % this.sources.segpc.length] as string;
    return marrowField(join(this.sources.segpcDir, 'images', name), join(this.sources.segpcDir, 'masks', name));
  }
}

async function marrowField(imagePath: string, maskPath: string): Promise<MarrowField> {
  const scale = SEGPC_MPP / ASPIRATE_MPP;
  const w = Math.round(SEGPC_CONTENT.width * scale);
  const h = Math.round(SEGPC_CONTENT.height * scale);
  const load = (p: string, channels: 1 | 3) => {
    const img = sharp(p).extract(SEGPC_CONTENT).resize(w, h, { kernel: 'lanczos3', fit: 'fill' });
    return (channels === 1 ? img.greyscale().toColourspace('b-w') : img.removeAlpha().toColourspace('srgb')).raw().toBuffer();
  };
  const [rgbData, maskData] = await Promise.all([load(imagePath, 3), load(maskPath, 1)]);
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < mask.length; i++) mask[i] = (maskData[i] as number) > 127 ? 1 : 0;
  const plasma = connectedComponents(mask, w, h)
    .filter((c) => c.area >= MIN_PLASMA_AREA_PX)
    .map((c) => ({ x: c.cx, y: c.cy }));
  return { rgb: { width: w, height: h, data: rgbData }, plasma };
}

/** 3 × 4 marrow fields tiled and cut to one mosaic cell; plasma cells whose centroid falls inside are kept. */
async function marrowTile(fields: FieldCursor): Promise<{ rgb: Rgb; cells: Point[] }> {
  const data = Buffer.alloc(MOSAIC_CELL * MOSAIC_CELL * 3, GLASS);
  const out: Rgb = { width: MOSAIC_CELL, height: MOSAIC_CELL, data };
  const cells: Point[] = [];
  let y = 0;
  while (y < MOSAIC_CELL) {
    let x = 0;
    let rowHeight = 0;
    while (x < MOSAIC_CELL) {
      const f = await fields.take();
      paste(data, MOSAIC_CELL, f.rgb, x, y);
      for (const p of f.plasma) if (x + p.x < MOSAIC_CELL && y + p.y < MOSAIC_CELL) cells.push({ x: x + p.x, y: y + p.y });
      x += f.rgb.width;
      rowHeight = f.rgb.height;
    }
    y += rowHeight;
  }
  return { rgb: out, cells };
}

/** A PBC-source field at 0.25 µm/px with its white-cell boxes (px of the resampled field). */
interface PbcField {
  readonly rgb: Rgb;
  readonly wbc: readonly Rect[];
}

async function pbcFields(sources: Sources): Promise<PbcField[]> {
  const out: PbcField[] = [];
  const scale = PBC_MPP / ASPIRATE_MPP;
  for (const f of sources.pbc) {
    const meta = await sharp(f.image).metadata();
    // PBC (CellaVision) fields are 360×363 in TXL-PBC; the other sources have other scales.
    if (meta.width !== 360 || meta.height !== 363) continue;
    const w = Math.round(360 * scale);
    const h = Math.round(363 * scale);
    const data = await sharp(f.image).resize(w, h, { kernel: 'lanczos3', fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
    const wbc = (await readFile(f.label, 'utf8'))
      .split('\n')
      .map((line) => line.trim().split(/\s+/).map(Number))
      .filter((v) => v.length === 5 && v[0] === 0)
      .map(([, cx, cy, bw, bh]) => ({ x: ((cx as number) - (bw as number) / 2) * w, y: ((cy as number) - (bh as number) / 2) * h, width: (bw as number) * w, height: (bh as number) * h }));
    out.push({ rgb: { width: w, height: h, data }, wbc });
    if (out.length >= 240) break; // plenty of strips for five blood cells
  }
  if (out.length < 20) throw new Error(`only ${out.length} PBC-source fields found in TXL-PBC; need at least 20`);
  return out;
}

/**
 * Red-cell-only strips (the columns of a PBC field left and right of its white-cell box, with a
 * margin) packed side by side, then two whole fields whose white cells stay ("few WBC").
 */
function bloodTile(fields: readonly PbcField[], index: number): { rgb: Rgb; cells: Point[] } {
  const margin = 4;
  const data = Buffer.alloc(MOSAIC_CELL * MOSAIC_CELL * 3, GLASS);
  const out: Rgb = { width: MOSAIC_CELL, height: MOSAIC_CELL, data };
  const strips: Rgb[] = [];
  for (const f of fields) {
    const left = Math.floor(Math.min(...f.wbc.map((b) => b.x))) - margin;
    const right = Math.ceil(Math.max(...f.wbc.map((b) => b.x + b.width))) + margin;
    if (f.wbc.length === 0) strips.push(f.rgb);
    else {
      if (left >= 16) strips.push(crop(f.rgb, 0, 0, left, f.rgb.height));
      if (f.rgb.width - right >= 16) strips.push(crop(f.rgb, right, 0, f.rgb.width - right, f.rgb.height));
    }
  }
  let s = index * 97; // each blood cell starts at a different strip
  const stripHeight = fields[0]?.rgb.height ?? 145;
  for (let y = 0; y < MOSAIC_CELL; y += stripHeight) {
    for (let x = 0; x < MOSAIC_CELL; ) {
      const strip = strips[s++ % strips.length] as Rgb;
      paste(data, MOSAIC_CELL, strip, x, y);
      x += strip.width;
    }
  }
  const cells: Point[] = [];
  const spots = [
    { x: 200, y: 260 },
    { x: 640, y: 700 },
  ];
  spots.forEach((spot, i) => {
    const f = fields[(index * 7 + i * 3) % fields.length] as PbcField;
    paste(data, MOSAIC_CELL, f.rgb, spot.x, spot.y);
    for (const b of f.wbc) cells.push({ x: spot.x + b.x + b.width / 2, y: spot.y + b.y + b.height / 2 });
  });
  return { rgb: out, cells };
}

function crop(src: Rgb, x: number, y: number, width: number, height: number): Rgb {
  const data = Buffer.alloc(width * height * 3);
  for (let r = 0; r < height; r++) src.data.copy(data, r * width * 3, ((y + r) * src.width + x) * 3, ((y + r) * src.width + x + width) * 3);
  return { width, height, data };
}

/** Copies `src` into an RGB canvas of width `canvasWidth` at (x, y), clipped to the canvas (height from its length). */
function paste(canvas: Buffer, canvasWidth: number, src: Rgb, x: number, y: number): void {
  const canvasHeight = canvas.length / 3 / canvasWidth;
  const w = Math.min(src.width, canvasWidth - x);
  for (let r = 0; r < src.height && y + r < canvasHeight; r++) {
    src.data.copy(canvas, ((y + r) * canvasWidth + x) * 3, r * src.width * 3, (r * src.width + w) * 3);
  }
}

/** Multiplies images channel by channel (like stacked stained layers: transmissions multiply). */
function multiply(layers: readonly Rgb[]): Rgb {
  const [first, ...rest] = layers as [Rgb, ...Rgb[]];
  const data = Buffer.from(first.data);
  for (const layer of rest) for (let i = 0; i < data.length; i++) data[i] = Math.round(((data[i] as number) * (layer.data[i] as number)) / 255);
  return { width: first.width, height: first.height, data };
}

async function blur(src: Rgb, sigmaPx: number): Promise<Rgb> {
  const data = await sharp(src.data, { raw: { width: src.width, height: src.height, channels: 3 } }).blur(sigmaPx).raw().toBuffer();
  return { width: src.width, height: src.height, data };
}
