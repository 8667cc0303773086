import { createHash } from 'node:crypto';
import { constants, copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../shared/errors/AppError.js';
import type { CaseFileInspection, CaseStore } from '../store/index.js';
import { copyCaseFile, inspectCaseFile, openCaseStore } from '../store/index.js';

/** What an export wrote. */
export interface BundleExport {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  /** The audit head the bundle ends with (the receiver can compare it with the sender's note). */
  readonly head: { seq: number; hash: string } | null;
}

/**
 * Writes a case bundle: one portable, consistent SQLite copy of the case file (VACUUM INTO) with
 * reviewer password hashes removed, then records the export (file name, size, sha256, the head
 * the copy ends with) in the source's audit log. The copy's own chain ends just before that entry.
 */
export function exportCaseBundle(store: CaseStore, dest: string, actor?: string): BundleExport {
  const chain = store.audit.verifyChain();
  if (!chain.ok) throw new AppError('AUDIT_CHAIN_BROKEN', `Refusing to bundle a case whose audit log is broken: ${chain.message}`);
  copyCaseFile(store, dest);
  try {
    const check = inspectCaseFile(dest);
    if (!check.audit.ok || check.integrity[0] !== 'ok') throw new AppError('STORE_FAILED', `The bundle written to ${dest} does not verify: ${check.audit.ok ? check.integrity.join('; ') : check.audit.message}`);
    const bytes = readFileSync(dest);
    const result = { path: dest, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), head: check.head };
    store.transaction(() =>
      store.audit.append({ ...(actor ? { actor } : {}), action: 'bundle.export', entity: 'case', payload: { file: basename(dest), bytes: result.bytes, sha256: result.sha256, head: result.head } }),
    );
    return result;
  } catch (err) {
    rmSync(dest, { force: true });
    throw err;
  }
}

/** What an import found and did. */
export interface BundleImport {
  readonly path: string;
  readonly sha256: string;
  readonly inspection: CaseFileInspection;
  /** Reviewer profiles that came with the case (they cannot sign here: bundles carry no passwords). */
  readonly reviewers: readonly string[];
}

/**
 * Imports a case bundle as a new case file: checks it is a case file with a sound database and an
 * intact audit chain (else AUDIT_CHAIN_BROKEN / STORE_FAILED, and nothing is written), copies it
 * to `dest` (never over an existing file), opens it (migrating an older schema, which is audited)
 * and records the import. The chain stays verifiable: the imported entries are untouched.
 */
export function importCaseBundle(bundlePath: string, dest: string, actor?: string): BundleImport {
  const inspection = inspectCaseFile(bundlePath);
  if (inspection.integrity[0] !== 'ok') throw new AppError('STORE_FAILED', `The bundle ${bundlePath} is damaged: ${inspection.integrity.slice(0, 3).join('; ')}`);
  if (!inspection.audit.ok) throw new AppError('AUDIT_CHAIN_BROKEN', `The bundle ${bundlePath} was altered: ${inspection.audit.message}`);
  if (existsSync(dest)) throw new AppError('VALIDATION_FAILED', `Expected a new case file to import into but ${dest} already exists`);
  const sha256 = createHash('sha256').update(readFileSync(bundlePath)).digest('hex');
  copyFileSync(bundlePath, dest, constants.COPYFILE_EXCL);
  try {
    const store = openCaseStore(dest, { create: false, ...(actor ? { actor } : {}) });
    try {
      store.transaction(() => store.audit.append({ action: 'bundle.import', entity: 'case', payload: { file: basename(bundlePath), sha256, head: inspection.head } }));
      const after = store.audit.verifyChain();
      if (!after.ok) throw new AppError('AUDIT_CHAIN_BROKEN', `The imported case does not verify: ${after.message}`);
      return { path: dest, sha256, inspection, reviewers: store.reviewers.list().map((r) => `${r.name} (${r.initials})`) };
    } finally {
      store.close();
    }
  } catch (err) {
    rmSync(dest, { force: true });
    rmSync(`${dest}-wal`, { force: true });
    rmSync(`${dest}-shm`, { force: true });
    throw err;
  }
}
