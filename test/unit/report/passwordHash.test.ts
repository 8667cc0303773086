import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../../../electron/core/signoff/passwordHash.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

test('passwords are stored as salted scrypt (N = 2^15, r = 8, p = 1) and verify only with the right password', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  const parts = a.split('$');
  assert.deepEqual(parts.slice(0, 4), ['scrypt', '15', '8', '1']);
  assert.equal(Buffer.from(parts[4]!, 'base64').length, 16, '16-byte salt');
  assert.equal(Buffer.from(parts[5]!, 'base64').length, 32, '32-byte key');
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.equal(a.includes('correct'), false);
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse battery', b), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  assert.equal(await verifyPassword('', a), false);
});

test('NFC normalisation: the same password typed with composed or decomposed accents verifies', async () => {
  const h = await hashPassword('Ødegaard-café');
  assert.equal(await verifyPassword('Ødegaard-cafe\u0301', h), true);
});

test('short passwords and malformed stored hashes are refused with coded errors', async () => {
  await assert.rejects(hashPassword('x'.repeat(MIN_PASSWORD_LENGTH - 1)), (e) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && /at least 8 characters but received 7/.test(e.message));
  await assert.rejects(verifyPassword('whatever1', 'sha256$abc'), (e) => e instanceof AppError && e.code === 'INTERNAL');
  await assert.rejects(verifyPassword('whatever1', 'scrypt$40$8$1$AAAA$AAAA'), (e) => e instanceof AppError && /outside the accepted range/.test(e.message));
});
