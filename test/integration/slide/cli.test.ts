// `marrowscope info` and `marrowscope region` as real subprocesses on every slide fixture, checked
// against the data README and against OpenSlide's own readers (python3-openslide, openslide-write-png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FIXTURES,
  SLIDES_DIR,
  decode,
  isReadable,
  mapLimit,
  pythonReference,
  pythonRun,
  pythonSkipReason,
  runCli,
  slidesSkipReason,
  tool,
  type CliRun,
} from './slideFixtures.js';

const skip = slidesSkipReason();
const pySkip = skip ?? pythonSkipReason();

interface InfoJson {
  path: string;
  vendor: string;
  width: number;
  height: number;
  levels: { width: number; height: number; downsample: number }[];
  mpp: { x: number; y: number } | null;
  mppSource: string | null;
  objectivePower: number | null;
  associatedImages: string[];
  quickHash: string;
  properties: Record<string, string>;
}

interface PyInfo {
  vendor?: string;
  levels?: [number, number, number][];
  properties?: Record<string, string>;
  associated?: Record<string, [number, number]>;
  error?: string;
}

function parseError(r: CliRun): { code: string; message: string } {
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one JSON line on stderr, got: ${r.stderr}`);
  const parsed = JSON.parse(lines[0]!) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof parsed.error?.code, 'string');
  assert.equal(typeof parsed.error?.message, 'string');
  assert.ok((parsed.error!.message as string).length > 10, 'the message says what went wrong');
  return parsed.error as { code: string; message: string };
}

let tmp: string;
test.before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'marrowscope-cli-'));
});
test.after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('every file in the fixture folder is known to this suite', { skip }, () => {
  const files = readdirSync(SLIDES_DIR).filter((f) => statSync(join(SLIDES_DIR, f)).isFile());
  assert.deepEqual(files.sort(), Object.keys(FIXTURES).sort(), 'a new fixture needs an expectation in slideFixtures.ts');
});

test('info --json on every fixture: one JSON object matching the README and python3-openslide, or the coded error', { skip: pySkip }, async () => {
  const names = Object.keys(FIXTURES);
  const [reference, runs] = await Promise.all([
    pythonReference<Record<string, PyInfo>>(['info', ...names.map((n) => join(SLIDES_DIR, n))]),
    mapLimit(names, 3, (name) => runCli(['info', join(SLIDES_DIR, name), '--json'])),
  ]);
  for (const [i, name] of names.entries()) {
    const fixture = FIXTURES[name]!;
    const path = join(SLIDES_DIR, name);
    const r = runs[i]!;
    const py = reference[path]!;
    if (!isReadable(fixture)) {
      assert.notEqual(r.code, 0, `${name}: non-zero exit`);
      assert.equal(r.stdout, '', `${name}: nothing on stdout`);
      assert.equal(parseError(r).code, fixture.error, `${name}: error code`);
      assert.ok(py.error, `${name}: python3-openslide also refuses it`);
      continue;
    }
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, `${name}: exactly one JSON line`);
    const info = JSON.parse(lines[0]!) as InfoJson;
    assert.deepEqual(
      Object.keys(info).sort(),
      ['associatedImages', 'height', 'levels', 'mpp', 'mppSource', 'objectivePower', 'path', 'properties', 'quickHash', 'vendor', 'width'],
    );
    assert.equal(info.path, path);
    assert.equal(info.vendor, fixture.vendor, `${name}: vendor`);
    assert.deepEqual([info.width, info.height, info.levels.length], [fixture.width, fixture.height, fixture.levelCount], `${name}: size`);
    assert.deepEqual(fixture.mpp === null ? null : { x: fixture.mpp, y: fixture.mpp }, info.mpp, `${name}: mpp`);
    assert.equal(info.objectivePower, fixture.objectivePower, `${name}: objective power`);
    assert.deepEqual(info.associatedImages, fixture.associated, `${name}: associated images`);
    assert.match(info.quickHash, /^[0-9a-f]{64}$/);
    // Exactly what OpenSlide itself reports.
    assert.equal(info.vendor, py.vendor);
    assert.deepEqual(info.levels.map((l) => [l.width, l.height, l.downsample]), py.levels, `${name}: levels = python3-openslide`);
    assert.deepEqual(info.properties, py.properties, `${name}: properties = python3-openslide`);
    assert.deepEqual(info.associatedImages.slice().sort(), Object.keys(py.associated ?? {}).sort());
  }
});

test('info: the quick hash is stable across runs and differs between files', { skip }, async () => {
  const hash = async (name: string) => (JSON.parse((await runCli(['info', join(SLIDES_DIR, name), '--json'])).stdout) as InfoJson).quickHash;
  const a = await hash('small.svs');
  assert.equal(await hash('small.svs'), a);
  // unreadable.svs has the same size and properties as small.svs but different bytes.
  assert.notEqual(await hash('unreadable.svs'), a);
});

test('info without --json prints a readable table with the calibration state spelled out', { skip }, async () => {
  const cal = await runCli(['info', join(SLIDES_DIR, 'cmu-1-small-region.svs')]);
  assert.equal(cal.code, 0);
  assert.match(cal.stdout, /Vendor\s+aperio/);
  assert.match(cal.stdout, /Size\s+2220 × 2967 px/);
  assert.match(cal.stdout, /Calibration\s+0\.499 × 0\.499 µm\/px/);
  assert.match(cal.stdout, /Objective\s+20×/);
  assert.match(cal.stdout, /Associated\s+label, macro, thumbnail/);
  assert.match(cal.stdout, /aperio\.AppMag\s+20/);
  const uncal = await runCli(['info', join(SLIDES_DIR, 'tcga-cr-7395-01a-01-ts1.svs')]);
  assert.match(uncal.stdout, /Calibration\s+none: uncalibrated/);
  assert.match(uncal.stdout, /1\s+2221\s+1783\s+2\.000506/);
});

test('info errors: missing file SLIDE_NOT_FOUND, missing argument VALIDATION_FAILED (exit 2), plain-text errors without --json', { skip }, async () => {
  const missing = await runCli(['info', join(SLIDES_DIR, 'no-such-slide.svs'), '--json']);
  assert.notEqual(missing.code, 0);
  assert.equal(parseError(missing).code, 'SLIDE_NOT_FOUND');
  const noArg = await runCli(['info', '--json']);
  assert.equal(noArg.code, 2);
  assert.equal(parseError(noArg).code, 'VALIDATION_FAILED');
  const plain = await runCli(['info', join(SLIDES_DIR, 'broken.svs')]);
  assert.notEqual(plain.code, 0);
  assert.match(plain.stderr, /^marrowscope: SLIDE_UNSUPPORTED_FORMAT: /);
});

// [fixture, x, y, level, width, height]: interior, other levels, and a box past the slide edge (transparent).
// Not boxes.tiff level 3: OpenSlide 3.4.1 with Debian's libtiff 4.5 reads that 37×31 level (in a 64-px
// tile) as transparent on a fresh handle and as pixels after other levels were read.
const REGIONS: [string, number, number, number, number, number][] = [
  ['cmu-1-small-region.svs', 1000, 1500, 0, 257, 181],
  ['tcga-cr-7395-01a-01-ts1.svs', 2000, 1000, 1, 300, 200],
  ['test3-DAPI-2-(387).ndpi', 512, 1024, 2, 200, 150],
  ['test3-TRITC 2 (560).ndpi', 3900, 4800, 0, 100, 100],
  ['boxes.tiff', 200, 100, 1, 80, 80],
  ['small.svs', 0, 0, 0, 16, 16],
];

test('region writes exactly the pixels OpenSlide reads (python3-openslide read_region and openslide-write-png; RGBA, transparent past the edge)', { skip: pySkip }, async () => {
  for (const [name, x, y, level, w, h] of REGIONS) {
    const path = join(SLIDES_DIR, name);
    const coords = [String(x), String(y), String(level), String(w), String(h)];
    const ours = join(tmp, `ours-${x}-${y}-${level}.png`);
    const r = await runCli(['region', path, '--x', coords[0]!, '--y', coords[1]!, '--width', coords[3]!, '--height', coords[4]!, '--level', coords[2]!, '--out', ours, '--json']);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual({ ...summary, bytes: 0 }, { out: ours, x, y, width: w, height: h, level, bytes: 0 });
    const a = await decode(ours);
    assert.deepEqual([a.width, a.height], [w, h]);
    const py = join(tmp, `py-${x}-${y}-${level}.png`);
    await pythonRun(['region', path, ...coords, py]);
    assert.ok(a.data.equals((await decode(py)).data), `${name} (${x},${y}) L${level}: pixels equal python3-openslide read_region`);
    // openslide-write-png reads in strips whose level-0 rows drift on non-integer downsamples
    // (TCGA level 1 is 2.0005×), so it is a second reference only where the downsample is integral.
    const downsample = name.startsWith('tcga') && level === 1 ? 2.0005 : 2 ** level;
    if (Number.isInteger(downsample) && existsSync('/usr/bin/openslide-write-png')) {
      const ref = join(tmp, `ref-${x}-${y}-${level}.png`);
      await tool('/usr/bin/openslide-write-png', [path, ...coords, ref]);
      assert.ok(a.data.equals((await decode(ref)).data), `${name} (${x},${y}) L${level}: pixels equal openslide-write-png`);
    }
  }
  // The past-the-edge box really contains transparent pixels (so the comparison covered alpha).
  const edge = await decode(join(tmp, 'ours-3900-4800-0.png'));
  assert.equal(edge.data[(99 * 100 + 99) * 4 + 3], 0);
});

test('region of the whole boxes.tiff at level 0 equals boxes.png', { skip }, async () => {
  const out = join(tmp, 'boxes-full.png');
  const r = await runCli(['region', join(SLIDES_DIR, 'boxes.tiff'), '--x', '0', '--y', '0', '--width', '300', '--height', '250', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /300 × 250 px RGBA at level 0/);
  const [ours, ref] = await Promise.all([decode(out), decode(join(SLIDES_DIR, 'boxes.png'))]);
  assert.ok(ours.data.equals(ref.data));
});

test('region errors: corrupt tile SLIDE_READ_FAILED, unopenable files, bad arguments VALIDATION_FAILED', { skip }, async () => {
  const out = join(tmp, 'err.png');
  const args = (name: string, ...more: string[]) => ['region', join(SLIDES_DIR, name), '--x', '0', '--y', '0', '--width', '8', '--height', '8', '--out', out, '--json', ...more];
  const cases: [string[], string][] = [
    [args('unreadable.svs'), 'SLIDE_READ_FAILED'],
    [args('unopenable.tiff'), 'SLIDE_READ_FAILED'],
    [args('broken.svs'), 'SLIDE_UNSUPPORTED_FORMAT'],
    [args('no-such.svs'), 'SLIDE_NOT_FOUND'],
    [args('boxes.tiff', '--level', '4'), 'VALIDATION_FAILED'],
    [['region', join(SLIDES_DIR, 'boxes.tiff'), '--x=-3', '--y', '0', '--width', '8', '--height', '8', '--out', out, '--json'], 'VALIDATION_FAILED'],
    [['region', join(SLIDES_DIR, 'boxes.tiff'), '--x', '0', '--y', '0', '--width', '8', '--height', '8', '--json'], 'VALIDATION_FAILED'],
    [['region', join(SLIDES_DIR, 'boxes.tiff'), '--x', '0', '--y', '0', '--width', '8', '--height', '8', '--out', join(tmp, 'x.jpg'), '--json'], 'VALIDATION_FAILED'],
  ];
  const runs = await mapLimit(cases, 3, ([argv]) => runCli(argv));
  for (const [i, [argv, code]] of cases.entries()) {
    const r = runs[i]!;
    assert.notEqual(r.code, 0, argv.join(' '));
    assert.equal(parseError(r).code, code, argv.join(' '));
  }
  const neg = parseError(await runCli(cases[5]![0]));
  assert.match(neg.message, /--x but received -3/);
  assert.equal(existsSync(out), false, 'no output file after a failed read');
});
