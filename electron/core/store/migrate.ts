import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors/AppError.js';
import { AuditLog } from './AuditLog.js';
import type { Migration } from './migrations/index.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.js';
import type { StoreContext } from './StoreContext.js';
import { withStoreErrors } from './storeErrors.js';

/** sha256 of a migration's SQL: recorded in schema_migrations and pinned by the migration tests. */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

/** The case file's schema version (PRAGMA user_version). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws STORE_VERSION_UNSUPPORTED when the file was written by a newer Marrowscope. */
export function assertKnownVersion(version: number, path: string): void {
  if (version > LATEST_SCHEMA_VERSION) {
    throw new AppError(
      'STORE_VERSION_UNSUPPORTED',
      `Case file ${path} has schema version ${version}, newer than this Marrowscope understands (${LATEST_SCHEMA_VERSION}); open it with a newer Marrowscope. The file was not changed.`,
    );
  }
}

/**
 * Applies every migration above the file's user_version, up to `target` (default: the latest),
 * each in its own IMMEDIATE transaction together with its user_version, its schema_migrations row
 * and an audit entry, so a crash leaves the file at a whole version. The version is re-read inside
 * the transaction, so two processes opening the same file at once do not both migrate.
 */
export function migrate(ctx: StoreContext, path: string, target: number = LATEST_SCHEMA_VERSION): { from: number; to: number; applied: number[] } {
  const { db } = ctx;
  const from = withStoreErrors(`read the schema version of ${path}`, () => schemaVersion(db));
  assertKnownVersion(from, path);
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= from || m.version > target) continue;
    withStoreErrors(`migrate ${path} to schema version ${m.version} (${m.name})`, () => {
      db.transaction(() => {
        if (schemaVersion(db) >= m.version) return;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
          m.version,
          m.name,
          migrationChecksum(m),
          ctx.now(),
        );
        db.pragma(`user_version = ${m.version}`);
        new AuditLog(ctx).append({ action: 'store.migrate', entity: 'schema', payload: { version: m.version, name: m.name } });
        applied.push(m.version);
      }).immediate();
    });
  }
  return { from, to: withStoreErrors('read the schema version', () => schemaVersion(db)), applied };
}
