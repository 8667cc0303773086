import type { z } from 'zod';
import { AppError } from './AppError.js';

/**
 * Parses `value` with a zod schema and throws VALIDATION_FAILED naming each bad field,
 * e.g. "Expected integer ≥ 0 for region.x but received -3".
 */
export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues
    .map((issue) => {
      const path = [what, ...issue.path.map(String)].join('.');
      const received = describeReceived(value, issue.path);
      return `${issue.message} for ${path}${received}`;
    })
    .join('; ');
  throw new AppError('VALIDATION_FAILED', details);
}

function describeReceived(root: unknown, path: readonly PropertyKey[]): string {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  if (cur === undefined) return ' but received nothing';
  // JSON would print NaN and ±Infinity as null.
  if (typeof cur === 'number' && !Number.isFinite(cur)) return ` but received ${String(cur)}`;
  try {
    return ` but received ${JSON.stringify(cur)}`;
  } catch {
    return '';
  }
}
