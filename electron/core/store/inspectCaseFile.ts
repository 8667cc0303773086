import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors/AppError.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { CASE_FILE_APPLICATION_ID } from './openCaseStore.js';
import { toStoreError } from './storeErrors.js';
import type { AuditVerification } from './verifyAuditChain.js';
import { verifyAuditChain } from './verifyAuditChain.js';

/** What a read-only look at a case file found, without migrating or writing anything. */
export interface CaseFileInspection {
  readonly schemaVersion: number;
  /** SQLite's integrity check: ['ok'] for a sound file. */
  readonly integrity: string[];
  readonly audit: AuditVerification;
  readonly head: { seq: number; hash: string } | null;
}

/**
 * Opens a case file strictly read-only (any schema version this build knows) and checks it: the
 * application id, SQLite integrity and the audit chain. For `audit verify` and bundle import,
 * which must judge a file before (or without) opening it as a store.
 */
export function inspectCaseFile(path: string): CaseFileInspection {
  if (!existsSync(path)) throw new AppError('NOT_FOUND', `Case file ${path} does not exist`);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== CASE_FILE_APPLICATION_ID) {
      throw new AppError('STORE_FAILED', `${path} is not a Marrowscope case file (application_id ${appId})`);
    }
    if (schemaVersion > LATEST_SCHEMA_VERSION) {
      throw new AppError('STORE_VERSION_UNSUPPORTED', `Case file ${path} has schema version ${schemaVersion}, newer than this Marrowscope understands (${LATEST_SCHEMA_VERSION})`);
    }
    const integrity = (db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[]).map((r) => r.integrity_check);
    const audit = verifyAuditChain(db);
    const head = (db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined) ?? null;
    return { schemaVersion, integrity, audit, head };
  } catch (err) {
    throw toStoreError(err, `inspect case file ${path}`);
  } finally {
    db?.close();
  }
}
