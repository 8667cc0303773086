import type { Migration } from './Migration.js';
import { migration001 } from './001-initial.js';
import { migration002 } from './002-cell-rtree.js';
import { migration003 } from './003-signoff.js';

/** Every migration, in order; the last one's version is the schema this build writes. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003];

/** The newest schema version this build knows (PRAGMA user_version after all migrations). */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export type { Migration } from './Migration.js';
