import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';

/** prev_hash of the first audit entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit row that its hash covers (payload as the stored canonical JSON text). */
export interface AuditRowFields {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly payload: string;
}

/** An audit_log row as SQLite returns it. */
export interface AuditRow extends AuditRowFields {
  readonly prev_hash: string;
  readonly hash: string;
}

/** hash = sha256(prev_hash + canonical JSON of the row), lower-case hex. */
export function auditHash(prevHash: string, row: AuditRowFields): string {
  const { seq, at, actor, action, entity, payload } = row;
  return createHash('sha256')
    .update(prevHash + canonicalJson({ seq, at, actor, action, entity, payload }))
    .digest('hex');
}
