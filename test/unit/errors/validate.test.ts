import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { validate } from '../../../electron/shared/errors/validate.js';
import { AppError, toErrorInfo } from '../../../electron/shared/errors/AppError.js';
import { attempt } from '../../../electron/shared/errors/Result.js';

test('validate returns parsed data for valid input', () => {
  const schema = z.object({ x: z.number().int().min(0) });
  assert.deepEqual(validate(schema, { x: 3 }, 'region'), { x: 3 });
});

test('validate names the field and the received value', () => {
  const schema = z.object({ x: z.number().int().min(0) });
  assert.throws(
    () => validate(schema, { x: -3 }, 'region'),
    (err: unknown) => err instanceof AppError && err.code === 'VALIDATION_FAILED' && /region\.x/.test(err.message) && /-3/.test(err.message),
  );
});

test('validate prints non-finite numbers as themselves, not null', () => {
  const schema = z.object({ x: z.number().finite() });
  assert.throws(() => validate(schema, { x: Infinity }, 'region'), /received Infinity/);
});

test('attempt turns AppError into a coded failure and other throwables into INTERNAL', async () => {
  const a = await attempt(() => {
    throw new AppError('SLIDE_NOT_FOUND', 'no such file');
  });
  assert.deepEqual(a, { ok: false, error: { code: 'SLIDE_NOT_FOUND', message: 'no such file' } });
  const b = await attempt(() => {
    throw new TypeError('boom');
  });
  assert.equal(b.ok, false);
  assert.equal(!b.ok && b.error.code, 'INTERNAL');
  assert.deepEqual(toErrorInfo('x'), { code: 'INTERNAL', message: 'x' });
});
