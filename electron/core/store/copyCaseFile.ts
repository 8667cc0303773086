import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors/AppError.js';
import type { CaseStore } from './CaseStore.js';
import { withStoreErrors } from './storeErrors.js';

/**
 * Writes a consistent single-file copy of an open case file (VACUUM INTO reads one snapshot, so
 * writes in flight are either wholly in it or not at all), in rollback-journal mode so the copy is
 * one file, with every reviewer password hash removed (a bundle sent elsewhere must not carry
 * credentials; the audit log never held them, so its chain still verifies). The copy is vacuumed
 * again so the removed hashes do not linger in free pages. Refuses to overwrite `dest`.
 */
export function copyCaseFile(store: CaseStore, dest: string): void {
  if (existsSync(dest)) throw new AppError('VALIDATION_FAILED', `Expected a new file for the bundle but ${dest} already exists`);
  withStoreErrors(`copy the case file to ${dest}`, () => {
    store.connection.prepare('VACUUM INTO ?').run(dest);
    const copy = new Database(dest);
    try {
      copy.pragma('journal_mode = DELETE');
      copy.prepare('DELETE FROM reviewer_credentials').run();
      copy.exec('VACUUM');
    } finally {
      copy.close();
    }
  });
}
