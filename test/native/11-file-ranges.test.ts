// readFileRanges: byte ranges of a file read on a worker thread equal the file's bytes; a missing
// file or a range past the end is SLIDE_READ_FAILED, a malformed range VALIDATION_FAILED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFileRanges } from '../../native/lib/index.js';
import { AppError } from '../../electron/shared/errors/AppError.js';
import { slidePath, slidesSkipReason } from './slideFixtures.js';

const skip = slidesSkipReason();
const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;

test('ranges equal the file\'s bytes, in the order asked, overlapping or not', { skip }, async () => {
  const path = slidePath('cmu-1-small-region.svs');
  const whole = readFileSync(path);
  const ranges = [
    { offset: 0, length: 16 },
    { offset: 1_000_003, length: 70_001 },
    { offset: 8, length: 4 },
    { offset: whole.length - 5, length: 5 },
  ];
  const got = await readFileRanges(path, ranges);
  assert.equal(got.length, ranges.length);
  ranges.forEach((r, i) => assert.ok(got[i]!.equals(whole.subarray(r.offset, r.offset + r.length)), `range ${i}`));
  assert.deepEqual(await readFileRanges(path, []), []);
});

test('a missing file or a range past the end is SLIDE_READ_FAILED; a malformed range is VALIDATION_FAILED', { skip }, async () => {
  const path = slidePath('cmu-1-small-region.svs');
  const size = readFileSync(path).length;
  await assert.rejects(readFileRanges(path + '.missing', [{ offset: 0, length: 4 }]), code('SLIDE_READ_FAILED'));
  await assert.rejects(readFileRanges(path, [{ offset: size - 2, length: 4 }]), code('SLIDE_READ_FAILED'));
  await assert.rejects(readFileRanges(path, [{ offset: -1, length: 4 }]), code('VALIDATION_FAILED'));
  await assert.rejects(readFileRanges(path, [{ offset: 0, length: 0 }]), code('VALIDATION_FAILED'));
  await assert.rejects(readFileRanges(path, [{ offset: 0.5, length: 4 }]), code('VALIDATION_FAILED'));
});
