/**
 * Builds synthetic whole-slide files for tests and benchmarks with real tools (libvips-tools'
 * `vips`, libtiff-tools' `tiffset`), so OpenSlide reads them through its real drivers.
 * Use `compression: 'deflate'` where a test compares exact pixels (JPEG is lossy).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Straight RGB or RGBA pixels in memory, row-major. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Buffer;
}

/** An image file `vips` can load (PNG, JPEG, TIFF, ...) or pixels in memory. */
export type SlideSource = string | RawImage;

/** How the pyramid is written. */
export interface PyramidOptions {
  /** 'deflate' is lossless (exact-pixel tests); 'jpeg' is what scanners write. Default 'deflate'. */
  readonly compression?: 'jpeg' | 'deflate';
  /** JPEG quality 1..100 (default 90). */
  readonly quality?: number;
  /** Tile edge in pixels (default 256). */
  readonly tileSize?: number;
}

/** What makes a TIFF read as an Aperio SVS. */
export interface AperioOptions extends PyramidOptions {
  /** µm per pixel at level 0 (default 0.25). */
  readonly mpp?: number;
  /** Objective magnification (default 40). */
  readonly appMag?: number;
}

/** A temporary folder and the function that deletes it. */
export interface TempDir {
  readonly dir: string;
  cleanup(): Promise<void>;
}

/** Why synthetic slides cannot be built here (a tool is missing), or undefined when they can. */
export function syntheticSlideSkipReason(): string | undefined {
  for (const tool of ['/usr/bin/vips', '/usr/bin/tiffset']) {
    if (!existsSync(tool)) return `${tool} is missing: apt-get install -y libvips-tools libtiff-tools`;
  }
  return undefined;
}

/** Creates a fresh temporary folder (mkdtemp) for slides a test builds. */
export async function makeTempDir(prefix = 'marrowscope-slide-'): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A deterministic test pattern: gradients plus a hash-like texture, so every tile differs and an
 * off-by-one in coordinates or channel order shows up as a pixel mismatch. (OpenSlide 3.4.1's
 * generic-tiff driver reads TIFFs with an alpha channel as fully transparent, so patterns are RGB.)
 */
export function makePattern(width: number, height: number, seed = 1): RawImage {
  const channels = 3;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const h = Math.imul((x * 73856093) ^ (y * 19349663) ^ (seed * 83492791), 2654435761) >>> 24;
      data[i] = (x * 255) / Math.max(1, width - 1);
      data[i + 1] = (y * 255) / Math.max(1, height - 1);
      data[i + 2] = h;
    }
  }
  return { width, height, channels, data };
}

/** Writes pixels in memory to a PNG (via `vips rawload`), for tools that need a file. */
export async function writePng(image: RawImage, outPath: string): Promise<string> {
  const rawPath = `${outPath}.raw`;
  await writeFile(rawPath, image.data);
  try {
    await vips('rawload', rawPath, outPath, String(image.width), String(image.height), String(image.channels));
  } finally {
    await rm(rawPath, { force: true });
  }
  return outPath;
}

/**
 * Writes a tiled pyramidal TIFF (`vips tiffsave --tile --pyramid`), which OpenSlide reads as
 * vendor "generic-tiff". Returns `outPath`.
 */
export async function buildPyramidalTiff(src: SlideSource, outPath: string, opts: PyramidOptions = {}): Promise<string> {
  const input = typeof src === 'string' ? src : await writePng(src, `${outPath}.src.png`);
  try {
    await vips('tiffsave', input, outPath, ...tiffsaveArgs(opts));
  } finally {
    if (input !== src) await rm(input, { force: true });
  }
  if ((opts.compression ?? 'deflate') !== 'jpeg') await dropLevelsSmallerThanATile(outPath, opts.tileSize ?? 256);
  return outPath;
}

/**
 * OpenSlide 3.4.1 decodes non-JPEG tiles with libtiff's TIFFReadRGBATile, which on Debian 12's
 * libtiff 4.5 returns uninitialised pixels for a level narrower or shorter than one tile ("Raster
 * width ... adapted"). vips' pyramid always ends with such a level, so lossless slides keep only
 * the levels at least one tile in both directions (level 0 is always kept).
 */
async function dropLevelsSmallerThanATile(path: string, tile: number): Promise<void> {
  const { stdout } = await run('tiffinfo', [path]);
  const sizes = [...stdout.matchAll(/Image Width: (\d+) Image Length: (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  const keep = sizes.map((_, i) => i).filter((i) => i === 0 || (sizes[i]![0] >= tile && sizes[i]![1] >= tile));
  if (keep.length === sizes.length) return;
  const tmp = `${path}.levels.tif`;
  await run('tiffcp', [`${path},${keep.join(',')}`, tmp]);
  await rename(tmp, path);
}

/**
 * Writes an Aperio-style SVS: a pyramidal TIFF whose first ImageDescription (tag 270) starts with
 * "Aperio Image Library" and carries MPP/AppMag, so OpenSlide reports vendor "aperio" and
 * `openslide.mpp-x`. Returns `outPath`.
 */
export async function buildAperioSvs(src: SlideSource, outPath: string, opts: AperioOptions = {}): Promise<string> {
  await buildPyramidalTiff(src, outPath, opts);
  const { width, height } = await imageSize(outPath);
  const tile = opts.tileSize ?? 256;
  const description =
    `Aperio Image Library v12.0.15 \n${width}x${height} (${tile}x${tile}) ${opts.compression === 'jpeg' ? 'JPEG/RGB' : 'Deflate'}` +
    `|AppMag = ${opts.appMag ?? 40}|MPP = ${opts.mpp ?? 0.25}|Filename = synthetic`;
  await run('tiffset', ['-d', '0', '-s', '270', description, outPath]);
  return outPath;
}

/**
 * Writes a large, textured pyramidal TIFF for benchmarks by tiling a real image `across` × `down`
 * times (`vips replicate` streams, so a 20,480² slide takes seconds, not minutes). Returns `outPath`.
 */
export async function buildLargeTiff(
  src: string,
  outPath: string,
  across: number,
  down: number,
  opts: PyramidOptions = {},
): Promise<string> {
  const save = { compression: 'jpeg', ...opts } as const;
  await vips('replicate', src, `${outPath}[${tiffsaveOptions(save)}]`, String(across), String(down));
  if (save.compression !== 'jpeg') await dropLevelsSmallerThanATile(outPath, save.tileSize ?? 256);
  return outPath;
}

/** A real smear field image from ../shared/data (SegPC, 512×512 JPEG) to texture synthetic slides, if present. */
export function realFieldImage(dataDir: string): string | undefined {
  const dir = join(dataDir, 'fields', 'segpc-train', 'images');
  if (!existsSync(dir)) return undefined;
  const first = readdirSync(dir)
    .filter((n) => n.endsWith('.jpg'))
    .sort()[0];
  return first === undefined ? undefined : join(dir, first);
}

/** Decodes an image file (PNG, JPEG, ...) to its raw pixels (`vips rawsave`), e.g. to compare against a read. */
export async function loadRaw(path: string): Promise<RawImage> {
  const { width, height } = await imageSize(path);
  const rawPath = join(tmpdir(), `marrowscope-raw-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.raw`);
  try {
    await vips('rawsave', path, rawPath);
    const data = await readFile(rawPath);
    const channels = data.length / (width * height);
    if (channels !== 3 && channels !== 4) throw new Error(`${path}: expected 8-bit RGB or RGBA, got ${channels} bytes per pixel`);
    return { width, height, channels, data };
  } finally {
    await rm(rawPath, { force: true });
  }
}

/** Width and height of an image file, from `vipsheader`. */
export async function imageSize(path: string): Promise<{ width: number; height: number }> {
  const { stdout } = await run('vipsheader', ['-a', path]);
  const field = (name: string): number => {
    const m = new RegExp(`^${name}: (\\d+)`, 'm').exec(stdout);
    if (!m?.[1]) throw new Error(`vipsheader gave no ${name} for ${path}`);
    return Number(m[1]);
  };
  return { width: field('width'), height: field('height') };
}

/** tiffsave options as name/value pairs (value '' = flag), so the CLI and `file[...]` forms agree. */
function saveOptions(opts: PyramidOptions): [string, string][] {
  const tile = String(opts.tileSize ?? 256);
  const compression = opts.compression ?? 'deflate';
  const pairs: [string, string][] = [['tile', ''], ['pyramid', ''], ['tile-width', tile], ['tile-height', tile], ['compression', compression]];
  if (compression === 'jpeg') pairs.push(['Q', String(opts.quality ?? 90)]);
  return pairs;
}

function tiffsaveArgs(opts: PyramidOptions): string[] {
  return saveOptions(opts).flatMap(([k, v]) => (v === '' ? [`--${k}`] : [`--${k}`, v]));
}

function tiffsaveOptions(opts: PyramidOptions): string {
  return saveOptions(opts)
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join(',');
}

async function vips(...args: string[]): Promise<void> {
  await run('vips', args, { maxBuffer: 16 * 1024 * 1024 });
}
