import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors/AppError.js';
import { CaseStore } from './CaseStore.js';
import { assertKnownVersion, migrate, schemaVersion } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import type { StoreContext } from './StoreContext.js';
import { toStoreError } from './storeErrors.js';

/** PRAGMA application_id of a case file: "MRSC" as a big-endian 32-bit integer (set by migration 001). */
export const CASE_FILE_APPLICATION_ID = 0x4d525343;

/** How to open a case file. */
export interface OpenCaseStoreOptions {
  /** Create the file when missing (default true); false gives NOT_FOUND instead. */
  readonly create?: boolean;
  /** Open read-only: no migrations, and every write fails with STORE_FAILED. */
  readonly readonly?: boolean;
  /** Recorded as the actor of audit entries that do not name one (default "system"). */
  readonly actor?: string;
  /** Clock for timestamps (tests pin it). */
  readonly clock?: () => Date;
  /** How long a write waits for another process's lock before STORE_FAILED (default 5,000 ms). */
  readonly busyTimeoutMs?: number;
  /** Caps the file at this many pages (PRAGMA max_page_count): a quota; tests use it to produce SQLITE_FULL. */
  readonly maxPageCount?: number;
}

/**
 * Opens (creating and migrating as needed) one case file. Connection settings and why:
 * - journal_mode=WAL: readers never block the writer, and each batch commit is one sequential
 *   append to the WAL instead of rewriting pages in place;
 * - synchronous=NORMAL: in WAL mode a commit is durable against an application or process crash
 *   (it is in the WAL in the OS cache), and the file can never be corrupted; only an OS crash or
 *   power cut can roll back the last few commits. FULL would fsync on every commit (each review
 *   click), for no gain against the failures a desktop app actually sees;
 * - foreign_keys=ON: SQLite leaves them off per connection unless asked;
 * - busy_timeout: a second process (a CLI beside the app) waits for the lock instead of failing.
 * A file written by a newer Marrowscope (user_version above this build's) is refused with
 * STORE_VERSION_UNSUPPORTED before anything is written to it.
 */
export function openCaseStore(path: string, options: OpenCaseStoreOptions = {}): CaseStore {
  const readonly = options.readonly ?? false;
  if ((options.create === false || readonly) && !existsSync(path)) {
    throw new AppError('NOT_FOUND', `Case file ${path} does not exist`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly, fileMustExist: options.create === false || readonly });
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    const version = schemaVersion(db); // the first read: fails here for a file that is not SQLite
    assertKnownVersion(version, path);
    assertCaseFile(db, version, path);
    if (!readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const clock = options.clock ?? (() => new Date());
    const ctx: StoreContext = { db, actor: options.actor ?? 'system', now: () => clock().toISOString() };
    if (version < LATEST_SCHEMA_VERSION) {
      if (readonly) {
        throw new AppError('STORE_FAILED', `Case file ${path} has schema version ${version} and needs upgrading to ${LATEST_SCHEMA_VERSION}, which a read-only open cannot do`);
      }
      migrate(ctx, path);
    }
    if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.trunc(options.maxPageCount)}`);
    return new CaseStore(ctx, path);
  } catch (err) {
    db?.close();
    const mapped = toStoreError(err, `open case file ${path}`);
    // better-sqlite3 reports a missing parent folder as a plain TypeError, not a SqliteError.
    if (mapped === err && err instanceof TypeError && /directory does not exist/.test(err.message)) {
      throw new AppError('STORE_FAILED', `Could not open case file ${path}: its folder does not exist`, { cause: err });
    }
    throw mapped;
  }
}

/** Refuses SQLite files that are not case files (another application's database). */
function assertCaseFile(db: Database.Database, version: number, path: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get() as number;
  const empty = version === 0 && appId === 0 && tables === 0;
  if (!empty && appId !== CASE_FILE_APPLICATION_ID) {
    throw new AppError('STORE_FAILED', `${path} is a SQLite database but not a Marrowscope case file (application_id ${appId})`);
  }
}
