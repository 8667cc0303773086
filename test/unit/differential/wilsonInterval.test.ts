import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilsonInterval, wilsonIntervalAt, Z_95 } from '../../../electron/shared/domain/differential/index.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

const close = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, got ${actual}`);

test('DOMAIN.md check values: 20% of 200 → 15.0–26.1%, 20% of 500 → 16.7–23.7%', () => {
  const a = wilsonInterval(40, 200);
  close(a.low, 15.0, 0.05, '40/200 low');
  close(a.high, 26.1, 0.05, '40/200 high');
  const b = wilsonInterval(100, 500);
  close(b.low, 16.7, 0.05, '100/500 low');
  close(b.high, 23.7, 0.05, '100/500 high');
});

test('the bounds are the roots of the score test |p̂ − p| = z·sqrt(p(1 − p)/n)', () => {
  // Independent of the closed form: each bound p must satisfy the score equation it inverts.
  for (const [x, n] of [
    [1, 10],
    [7, 300],
    [250, 500],
    [13, 37],
  ] as const) {
    const ci = wilsonInterval(x, n);
    for (const bound of [ci.low / 100, ci.high / 100]) {
      const lhs = Math.abs(x / n - bound);
      const rhs = Z_95 * Math.sqrt((bound * (1 - bound)) / n);
      close(lhs, rhs, 1e-12, `score equation at ${x}/${n}`);
    }
  }
});

test('ends behave at 0 and n successes and the interval contains p̂', () => {
  const zero = wilsonInterval(0, 300);
  assert.equal(zero.low, 0);
  close(zero.high, 1.26, 0.01, '0/300 high'); // ≈ z²/(n+z²)
  const all = wilsonInterval(300, 300);
  assert.equal(all.high, 100);
  close(all.low, 98.74, 0.01, '300/300 low');
  for (let x = 0; x <= 50; x++) {
    const ci = wilsonInterval(x, 50);
    assert.ok(ci.low <= (100 * x) / 50 && (100 * x) / 50 <= ci.high, `contains p̂ at ${x}/50`);
    assert.ok(ci.low >= 0 && ci.high <= 100);
  }
});

test('a larger count narrows the interval at the same proportion', () => {
  const w = (n: number): number => {
    const ci = wilsonIntervalAt(0.2, n);
    return ci.high - ci.low;
  };
  assert.ok(w(200) > w(300) && w(300) > w(500) && w(500) > w(2000));
});

test('invalid counts are rejected with VALIDATION_FAILED', () => {
  const coded = (e: unknown): boolean => e instanceof AppError && e.code === 'VALIDATION_FAILED';
  assert.throws(() => wilsonInterval(1, 0), coded);
  assert.throws(() => wilsonInterval(-1, 10), coded);
  assert.throws(() => wilsonInterval(11, 10), coded);
  assert.throws(() => wilsonInterval(1.5, 10), coded);
});
