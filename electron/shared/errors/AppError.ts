import type { ErrorCode } from './ErrorCode.js';

/** The serialisable shape of an error that crosses a boundary (IPC, HTTP, CLI --json). */
export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
}

/** An expected failure with a code; anything thrown that is not an AppError is a bug (INTERNAL). */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }

  /** The plain object form sent across boundaries. */
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** Converts anything caught into an ErrorInfo; unknown throwables become INTERNAL. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return err.toInfo();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new AppError('INTERNAL', `Unexpected value: ${JSON.stringify(value)}`);
}
