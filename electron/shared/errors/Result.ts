import type { ErrorInfo } from './AppError.js';
import { toErrorInfo } from './AppError.js';

/** A value or a coded error: every API call returns one, so errors are values, not exceptions. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

/** Wraps a value as a success. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps an error as a failure. */
export function fail<T = never>(error: ErrorInfo): Result<T> {
  return { ok: false, error };
}

/** Runs `fn` and captures a thrown AppError (or anything else, as INTERNAL) as a failure. */
export async function attempt<T>(fn: () => Promise<T> | T): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (err) {
    return fail(toErrorInfo(err));
  }
}
