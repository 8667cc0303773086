import { AppError } from '../../shared/errors/AppError.js';

/** SQLite result codes (better-sqlite3's SqliteError.code) that mean the disk or file size limit is full. */
const FULL_CODES = new Set(['SQLITE_FULL']);

/**
 * Maps a SQLite failure to a coded AppError: a full disk is DISK_FULL (the transaction was rolled
 * back, so the case file is unchanged); read-only, locked, corrupt or unreadable files and
 * constraint violations are STORE_FAILED with SQLite's own words. AppErrors pass through; anything
 * else is rethrown unchanged (a bug, reported as INTERNAL by the host).
 */
export function toStoreError(err: unknown, doing: string): unknown {
  if (err instanceof AppError) return err;
  const code = sqliteCode(err);
  if (code === undefined) return err;
  const detail = err instanceof Error ? err.message : String(err);
  // The sign-off lock's triggers RAISE(ABORT, 'REPORT_SIGNED: ...'): a refusal by rule, not a store fault.
  const signed = /REPORT_SIGNED: ?(.*)$/s.exec(detail);
  if (signed) return new AppError('REPORT_SIGNED', `Could not ${doing}: ${signed[1] ?? 'the run is signed and locked'}`, { cause: err });
  if (FULL_CODES.has(code)) {
    return new AppError('DISK_FULL', `Could not ${doing}: the disk is full or the case file reached its size limit (${code}); the change was rolled back and the case file is unchanged`, { cause: err });
  }
  const hint =
    code.startsWith('SQLITE_READONLY') ? 'the case file is read-only'
    : code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_LOCKED') ? 'the case file is locked by another process'
    : code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'SQLITE_NOTADB' ? 'the case file is corrupt or not a SQLite database'
    : code.startsWith('SQLITE_CANTOPEN') ? 'the case file cannot be opened'
    : code.startsWith('SQLITE_IOERR') ? 'a disk read or write failed'
    : code.startsWith('SQLITE_CONSTRAINT') ? 'the change breaks a rule of the case file'
    : 'SQLite reported an error';
  return new AppError('STORE_FAILED', `Could not ${doing}: ${hint} (${code}: ${detail})`, { cause: err });
}

/** Runs `fn` and rethrows SQLite failures as coded errors (see {@link toStoreError}). */
export function withStoreErrors<T>(doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toStoreError(err, doing);
  }
}

function sqliteCode(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
