/**
 * Loads the compiled OpenSlide addon (native/build/Release/openslide_addon.node). When the binary
 * or libopenslide is missing, throws NATIVE_ADDON_MISSING with the commands that fix it.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../electron/shared/errors/AppError.js';
import { projectRoot } from '../../electron/core/paths.js';

/** Metadata gathered by the addon when it opens a slide. */
export interface NativeOpenResult {
  readonly handle: NativeSlideHandle;
  readonly vendor: string;
  readonly levels: { width: number; height: number; downsample: number }[];
  readonly properties: Record<string, string>;
  readonly associatedImages: { name: string; width: number; height: number }[];
}

/** An opaque, type-tagged External holding one OpenSlide handle. */
export type NativeSlideHandle = { readonly __brand: 'NativeSlideHandle' };

/**
 * The raw binding (native/src/addon.cc). Rejections and throws carry `code` (an ErrorCode).
 * Use native/lib/index.ts instead: it validates arguments and maps errors to AppError.
 */
export interface OpenslideAddon {
  open(path: string): Promise<NativeOpenResult>;
  readRegion(handle: NativeSlideHandle, x: number, y: number, level: number, width: number, height: number): Promise<Buffer>;
  readRegionJpeg(handle: NativeSlideHandle, x: number, y: number, level: number, width: number, height: number, quality: number, r: number, g: number, b: number): Promise<Buffer>;
  readFileRanges(path: string, offsets: readonly number[], lengths: readonly number[]): Promise<Buffer[]>;
  decodeJpegTiles(
    source: { path?: string; tables?: Buffer; colour: 0 | 1 | 2 } | null,
    pieces: readonly { data?: Buffer; offset?: number; length?: number; sx: number; sy: number; w: number; h: number; dx: number; dy: number }[],
    width: number, height: number, quality: number, r: number, g: number, b: number,
  ): Promise<Buffer>;
  readAssociatedImage(handle: NativeSlideHandle, name: string): Promise<{ width: number; height: number; data: Buffer }>;
  close(handle: NativeSlideHandle): void;
  isClosed(handle: NativeSlideHandle): boolean;
  bestLevelForDownsample(handle: NativeSlideHandle, downsample: number): number;
  version(): string;
  liveHandles(): number;
  /** Converts premultiplied native-endian ARGB pixels to straight RGBA (a copy); exposed for tests. */
  argbToRgba(pixels: Buffer): Buffer;
}

/** Env variable naming another addon binary (e.g. a packaged app's unpacked copy). */
export const ADDON_PATH_ENV = 'MARROWSCOPE_OPENSLIDE_ADDON';

const FIX =
  'Fix: install OpenSlide (Debian/Ubuntu: `apt-get install -y libopenslide-dev`), then build the addon with `npm run build:native` ' +
  '(or run `bash scripts/setup.sh`, which does both).';

let cached: OpenslideAddon | undefined;

/** Where the addon binary is expected: $MARROWSCOPE_OPENSLIDE_ADDON, else native/build/Release/openslide_addon.node. */
export function addonPath(): string {
  return process.env[ADDON_PATH_ENV] || join(projectRoot(), 'native', 'build', 'Release', 'openslide_addon.node');
}

/** The loaded addon (loaded once per process); throws AppError NATIVE_ADDON_MISSING with fix instructions. */
export function loadAddon(): OpenslideAddon {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    throw new AppError('NATIVE_ADDON_MISSING', `The OpenSlide addon is not built: ${path} does not exist. ${FIX}`);
  }
  try {
    cached = createRequire(import.meta.url)(path) as OpenslideAddon;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const what = /libopenslide/.test(reason) ? 'libopenslide is not installed' : 'the OpenSlide addon failed to load';
    throw new AppError('NATIVE_ADDON_MISSING', `${what} (${reason}). ${FIX}`, { cause: err });
  }
  return cached;
}
