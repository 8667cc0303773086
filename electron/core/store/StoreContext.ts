import type Database from 'better-sqlite3';
import { withStoreErrors } from './storeErrors.js';

/** What every repository shares: the one connection, the clock, the default actor and the write wrapper. */
export interface StoreContext {
  readonly db: Database.Database;
  /** Who changes made without an explicit actor are recorded as (e.g. "system:analysis" or a user name). */
  readonly actor: string;
  /** Now, as an ISO-8601 UTC timestamp with milliseconds. */
  now(): string;
}

const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * The connection's prepared statement for `sql`, compiled once and reused: compiling (above all
 * the `cell_labels` view) costs more than running a point query. Callers that `.pluck()` a
 * statement must always do so for that SQL text.
 */
export function prepared(ctx: StoreContext, sql: string): Database.Statement {
  let cache = statementCache.get(ctx.db);
  if (cache === undefined) {
    cache = new Map();
    statementCache.set(ctx.db, cache);
  }
  let stmt = cache.get(sql);
  if (stmt === undefined) {
    stmt = ctx.db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

/**
 * Runs `fn` in one IMMEDIATE transaction (a savepoint when already inside one, so callers can
 * group several repository calls), mapping SQLite failures to coded errors. IMMEDIATE takes the
 * write lock up front: a deferred transaction that reads then writes can fail with SQLITE_BUSY
 * when another process wrote in between, which busy_timeout cannot wait out.
 */
export function writeTransaction<T>(ctx: StoreContext, doing: string, fn: () => T): T {
  return withStoreErrors(doing, () => {
    const tx = ctx.db.transaction(fn);
    return ctx.db.inTransaction ? tx() : tx.immediate();
  });
}

/** Runs a read, mapping SQLite failures to coded errors. */
export function readQuery<T>(doing: string, fn: () => T): T {
  return withStoreErrors(doing, fn);
}
