/**
 * Shared by the numbered native tests: where the real fixture slides are, what each one is expected
 * to be (from ../shared/data/README.md), skip reasons, and OpenSlide's own pixels as a reference.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AppError } from '../../electron/shared/errors/AppError.js';
import type { ErrorCode } from '../../electron/shared/errors/ErrorCode.js';
import { sharedDataDir } from '../../electron/core/paths.js';
import { addonPath } from '../../native/lib/loadAddon.js';
import type { RegionRead } from '../../native/lib/types.js';

const run = promisify(execFile);

/** What a fixture slide must look like when opened. */
export interface OpenableSlide {
  readonly vendor: string;
  readonly levelCount: number;
  readonly width: number;
  readonly height: number;
  /** openslide.mpp-x, or undefined when the slide carries none. */
  readonly mpp: number | undefined;
  readonly associated: readonly string[];
  /** True when reading pixels fails (a corrupt tile). */
  readonly readFails?: boolean;
}

/** Every file in ../shared/data/slides: opened (with expectations) or the error code open() must give. */
export const FIXTURES: Readonly<Record<string, OpenableSlide | ErrorCode>> = {
  'cmu-1-small-region.svs': { vendor: 'aperio', levelCount: 1, width: 2220, height: 2967, mpp: 0.499, associated: ['label', 'macro', 'thumbnail'] },
  'tcga-cr-7395-01a-01-ts1.svs': { vendor: 'aperio', levelCount: 2, width: 4443, height: 3567, mpp: undefined, associated: ['thumbnail'] },
  'test3-DAPI-2-(387).ndpi': { vendor: 'hamamatsu', levelCount: 7, width: 3968, height: 4864, mpp: 0.2281750559028887, associated: ['macro'] },
  'test3-TRITC 2 (560).ndpi': { vendor: 'hamamatsu', levelCount: 7, width: 3968, height: 4864, mpp: 0.2281750559028887, associated: ['macro'] },
  'small.svs': { vendor: 'aperio', levelCount: 1, width: 16, height: 16, mpp: 0.499, associated: ['thumbnail'] },
  // Levels 2 and 3 are smaller than a 64-px deflate tile: OpenSlide 3.4.1 cannot decode them, the facade resamples them.
  'boxes.tiff': { vendor: 'generic-tiff', levelCount: 4, width: 300, height: 250, mpp: undefined, associated: [] },
  'unreadable.svs': { vendor: 'aperio', levelCount: 1, width: 16, height: 16, mpp: 0.499, associated: ['thumbnail'], readFails: true },
  'unopenable.tiff': 'SLIDE_READ_FAILED',
  'broken.svs': 'SLIDE_UNSUPPORTED_FORMAT',
  'kidney-48-5.tif': 'SLIDE_UNSUPPORTED_FORMAT',
  'small_dicom.dcm': 'SLIDE_UNSUPPORTED_FORMAT',
  'boxes_0.dcm': 'SLIDE_UNSUPPORTED_FORMAT',
  'boxes_1.dcm': 'SLIDE_UNSUPPORTED_FORMAT',
  'boxes.png': 'SLIDE_UNSUPPORTED_FORMAT',
  licenses: 'SLIDE_UNSUPPORTED_FORMAT',
};

/** ../shared/data/slides (or $MARROWSCOPE_DATA/slides). */
export function slidesDir(): string {
  return join(sharedDataDir(), 'slides');
}

/** The path of one fixture slide. */
export function slidePath(name: string): string {
  return join(slidesDir(), name);
}

/** Why native tests cannot run here (addon not built), or undefined. */
export function addonSkipReason(): string | undefined {
  return existsSync(addonPath()) ? undefined : `OpenSlide addon not built (${addonPath()}): run npm run build:native`;
}

/** Why tests on the real fixture slides cannot run here, or undefined. */
export function slidesSkipReason(): string | undefined {
  return addonSkipReason() ?? (existsSync(slidesDir()) ? undefined : `fixture slides missing: ${slidesDir()} (set MARROWSCOPE_DATA)`);
}

/** Why OpenSlide's own reader (python3-openslide) cannot serve as a reference here, or undefined. */
export function referenceSkipReason(): string | undefined {
  return existsSync('/usr/bin/python3') && existsSync('/usr/lib/python3/dist-packages/openslide')
    ? undefined
    : 'python3-openslide missing: apt-get install -y python3-openslide';
}

/** Asserts that `action` rejects (or throws) an AppError with `code`; returns it for message checks. */
export async function expectCode(action: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<AppError> {
  let caught: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `expected AppError ${code}, got ${caught === undefined ? 'success' : String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

// Writes each image as width and height (uint32 LE) followed by its RGBA bytes.
const PY_REFERENCE = `
import json, struct, sys, openslide
s = openslide.OpenSlide(sys.argv[1])
out = sys.stdout.buffer
def put(img):
    out.write(struct.pack('<II', *img.size))
    out.write(img.tobytes())
for r in json.loads(sys.argv[2]):
    put(s.read_region((r['x'], r['y']), r['level'], (r['width'], r['height'])))
for name in json.loads(sys.argv[3]):
    put(s.associated_images[name])
`;

/**
 * OpenSlide's own straight-RGBA pixels via openslide-python (whose C converter un-premultiplies),
 * for each region then each associated image, from one Python process.
 */
export async function referencePixels(path: string, regions: readonly RegionRead[], associated: readonly string[] = []): Promise<Buffer[]> {
  const { stdout } = await run('/usr/bin/python3', ['-c', PY_REFERENCE, path, JSON.stringify(regions), JSON.stringify(associated)], {
    encoding: 'buffer',
    maxBuffer: 1 << 30,
  });
  const out: Buffer[] = [];
  for (let offset = 0; offset < stdout.length; ) {
    const size = stdout.readUInt32LE(offset) * stdout.readUInt32LE(offset + 4) * 4;
    out.push(stdout.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  assert.equal(out.length, regions.length + associated.length, 'reference image count');
  return out;
}

/** Index and value of the first differing byte of two pixel buffers, for readable failures. */
export function firstDifference(a: Buffer, b: Buffer): string | undefined {
  if (a.equals(b)) return undefined;
  if (a.length !== b.length) return `lengths differ: ${a.length} vs ${b.length}`;
  const i = a.findIndex((v, k) => v !== b[k]);
  return i < 0 ? undefined : `pixel ${Math.floor(i / 4)} channel ${i % 4}: ${a[i]} vs ${b[i]}`;
}

/** Forces a full garbage collection (test-only: enables --expose-gc at run time). */
export function forceGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
