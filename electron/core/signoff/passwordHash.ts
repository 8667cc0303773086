import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../shared/errors/AppError.js';

/** scrypt cost: N = 2^15 (OWASP's minimum for scrypt), r = 8, p = 1; about 0.1 s and 32 MiB per hash. */
export const SCRYPT_PARAMS = Object.freeze({ log2N: 15, r: 8, p: 1, keyLength: 32, saltLength: 16 });

/** Shortest password accepted for a signing profile. */
export const MIN_PASSWORD_LENGTH = 8;

function scryptAsync(password: string, salt: Buffer, keyLength: number, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly that, so allow twice.
    scrypt(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * A slow salted hash of a password for storage: "scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>".
 * The parameters travel with the hash, so a later build can raise the cost without breaking old profiles.
 */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH) {
    throw new AppError('VALIDATION_FAILED', `Expected a password of at least ${MIN_PASSWORD_LENGTH} characters but received ${typeof password === 'string' ? [...password].length : 0}`);
  }
  const { log2N, r, p, keyLength, saltLength } = SCRYPT_PARAMS;
  const salt = randomBytes(saltLength);
  const key = await scryptAsync(password, salt, keyLength, log2N, r, p);
  return `scrypt$${log2N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `password` matches the stored hash (constant-time comparison of the derived keys). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new AppError('INTERNAL', 'A stored password hash is not in the scrypt format this build writes');
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (!(log2N >= 10 && log2N <= 22 && r >= 1 && r <= 32 && p >= 1 && p <= 16) || expected.length === 0) {
    throw new AppError('INTERNAL', 'A stored password hash has parameters outside the accepted range');
  }
  const key = await scryptAsync(typeof password === 'string' ? password : '', salt, expected.length, log2N, r, p);
  return timingSafeEqual(key, expected);
}
