import { AppError } from '../../electron/shared/errors/AppError.js';
import { isErrorCode } from '../../electron/shared/errors/ErrorCode.js';

/** Maps an error thrown by the addon (an Error with a `code`) to AppError, prefixing `context`; anything else is INTERNAL. */
export function toAppError(err: unknown, context?: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return new AppError(isErrorCode(code) ? code : 'INTERNAL', context ? `${context}: ${message}` : message, { cause: err });
}
