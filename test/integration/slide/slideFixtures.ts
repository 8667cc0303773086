/**
 * Shared facts and tools for the slide integration tests: the fixture slides in ../shared/data/slides
 * with what their README says about each, the CLI as a real subprocess, python3-openslide as the
 * reference reader, and PNG decoding to raw RGBA.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { projectRoot, sharedDataDir } from '../../../electron/core/paths.js';
import type { ErrorCode } from '../../../electron/shared/errors/ErrorCode.js';

const run = promisify(execFile);

/** The fixture folder. */
export const SLIDES_DIR = join(sharedDataDir(), 'slides');

/** Why slide tests cannot run here, or undefined. */
export function slidesSkipReason(): string | undefined {
  if (!existsSync(SLIDES_DIR)) return `slide fixtures missing: ${SLIDES_DIR} (set MARROWSCOPE_DATA or provide ../shared/data)`;
  if (!existsSync(join(projectRoot(), 'native', 'build', 'Release', 'openslide_addon.node'))) {
    return 'OpenSlide addon not built: run `npm run build:native`';
  }
  return undefined;
}

/** Why the python3-openslide reference cannot run, or undefined. */
export function pythonSkipReason(): string | undefined {
  return existsSync('/usr/bin/python3') ? undefined : '/usr/bin/python3 missing: apt-get install -y python3-openslide';
}

/** What a readable fixture is, per the data README. */
export interface ReadableFixture {
  readonly vendor: string;
  readonly width: number;
  readonly height: number;
  readonly levelCount: number;
  readonly mpp: number | null;
  readonly objectivePower: number | null;
  readonly associated: readonly string[];
  /** `region` fails on it (a corrupt tile). */
  readonly readFails?: true;
}

/** Every file in the fixture folder: what it is, or the code opening it must fail with. */
export const FIXTURES: Readonly<Record<string, ReadableFixture | { readonly error: ErrorCode }>> = {
  'cmu-1-small-region.svs': { vendor: 'aperio', width: 2220, height: 2967, levelCount: 1, mpp: 0.499, objectivePower: 20, associated: ['label', 'macro', 'thumbnail'] },
  'tcga-cr-7395-01a-01-ts1.svs': { vendor: 'aperio', width: 4443, height: 3567, levelCount: 2, mpp: null, objectivePower: null, associated: ['thumbnail'] },
  'test3-DAPI-2-(387).ndpi': { vendor: 'hamamatsu', width: 3968, height: 4864, levelCount: 7, mpp: 0.2281750559028887, objectivePower: 40, associated: ['macro'] },
  'test3-TRITC 2 (560).ndpi': { vendor: 'hamamatsu', width: 3968, height: 4864, levelCount: 7, mpp: 0.2281750559028887, objectivePower: 40, associated: ['macro'] },
  'small.svs': { vendor: 'aperio', width: 16, height: 16, levelCount: 1, mpp: 0.499, objectivePower: 20, associated: ['thumbnail'] },
  'boxes.tiff': { vendor: 'generic-tiff', width: 300, height: 250, levelCount: 4, mpp: null, objectivePower: null, associated: [] },
  'unreadable.svs': { vendor: 'aperio', width: 16, height: 16, levelCount: 1, mpp: 0.499, objectivePower: 20, associated: ['thumbnail'], readFails: true },
  'unopenable.tiff': { error: 'SLIDE_READ_FAILED' },
  'broken.svs': { error: 'SLIDE_UNSUPPORTED_FORMAT' },
  'kidney-48-5.tif': { error: 'SLIDE_UNSUPPORTED_FORMAT' },
  'small_dicom.dcm': { error: 'SLIDE_UNSUPPORTED_FORMAT' },
  'boxes_0.dcm': { error: 'SLIDE_UNSUPPORTED_FORMAT' },
  'boxes_1.dcm': { error: 'SLIDE_UNSUPPORTED_FORMAT' },
  'boxes.png': { error: 'SLIDE_UNSUPPORTED_FORMAT' }, // the reference pixels of boxes.tiff, not a slide
};

/** True for fixtures that open. */
export function isReadable(f: ReadableFixture | { error: ErrorCode }): f is ReadableFixture {
  return !('error' in f);
}

/** Output of one CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/marrowscope.js ...args` as a real subprocess. */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(projectRoot(), 'bin', 'marrowscope.js'), ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Runs the python3-openslide reference script (openslide_reference.py) and returns its stdout. */
export async function pythonRun(args: readonly string[]): Promise<string> {
  const script = join(projectRoot(), 'test', 'integration', 'slide', 'openslide_reference.py');
  return (await run('/usr/bin/python3', [script, ...args], { maxBuffer: 256 * 1024 * 1024 })).stdout;
}

/** Runs the python3-openslide reference script and parses its JSON output. */
export async function pythonReference<T>(args: readonly string[]): Promise<T> {
  return JSON.parse(await pythonRun(args)) as T;
}

/** Runs a tool and returns stdout (throws on failure). */
export async function tool(cmd: string, args: readonly string[]): Promise<string> {
  return (await run(cmd, [...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/** Raw pixels of an image file or buffer, with `channels` channels (alpha added as 255 when asked and absent). */
export async function decode(input: string | Buffer, channels: 3 | 4 = 4): Promise<{ width: number; height: number; data: Buffer }> {
  let img = sharp(input);
  img = channels === 4 ? img.ensureAlpha() : img.removeAlpha();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** Mean and max absolute difference of two equal-length byte arrays. */
export function pixelDiff(a: Buffer, b: Buffer): { mean: number; max: number } {
  if (a.length !== b.length) throw new Error(`pixel buffers differ in length: ${a.length} vs ${b.length}`);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / Math.max(1, a.length), max };
}

/** Drops the alpha channel of straight RGBA. */
export function rgbaToRgb(rgba: Buffer): Buffer {
  const out = Buffer.alloc((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    out[j] = rgba[i]!;
    out[j + 1] = rgba[i + 1]!;
    out[j + 2] = rgba[i + 2]!;
  }
  return out;
}

/** Maps with at most `limit` promises pending (subprocess tests wait on I/O more than CPU). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
