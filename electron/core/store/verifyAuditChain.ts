import type Database from 'better-sqlite3';
import type { AuditRow as Row } from './auditHash.js';
import { auditHash, GENESIS_HASH } from './auditHash.js';

/** Result of walking the audit chain: intact, or the first entry that does not verify and why. */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly headHash: string }
  | {
      readonly ok: false;
      /** Entries that verified before the break. */
      readonly entries: number;
      /** seq of the first entry that does not verify. */
      readonly firstBrokenSeq: number;
      readonly reason: 'seq-gap' | 'prev-hash-mismatch' | 'hash-mismatch';
      readonly message: string;
    };

/**
 * Recomputes every audit hash in seq order and names the first broken entry: a gap in seq (a
 * deleted row), a prev_hash that does not match the previous entry's hash (a removed, inserted or
 * re-hashed row), or a hash that does not match the row's content (an edited row). Works on any
 * connection, including a raw one. The chain proves internal consistency; truncating its tail is
 * only detectable against a head hash recorded elsewhere (e.g. in a signed report).
 */
export function verifyAuditChain(db: Database.Database): AuditVerification {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  const rows = db.prepare('SELECT seq, at, actor, action, entity, payload, prev_hash, hash FROM audit_log ORDER BY seq').iterate() as IterableIterator<Row>;
  for (const row of rows) {
    const broken = (reason: 'seq-gap' | 'prev-hash-mismatch' | 'hash-mismatch', message: string): AuditVerification => ({
      ok: false,
      entries,
      firstBrokenSeq: row.seq,
      reason,
      message: `Audit entry ${row.seq} (${row.action} on ${row.entity}) ${message}`,
    });
    if (row.seq !== expectedSeq) {
      rows.return?.();
      return broken('seq-gap', `follows entry ${expectedSeq - 1}: entries ${expectedSeq}–${row.seq - 1} are missing`);
    }
    if (row.prev_hash !== prevHash) {
      rows.return?.();
      return broken('prev-hash-mismatch', 'does not link to the previous entry: an entry before it was altered, removed or re-hashed');
    }
    if (auditHash(prevHash, row) !== row.hash) {
      rows.return?.();
      return broken('hash-mismatch', 'does not match its hash: its content was altered');
    }
    prevHash = row.hash;
    expectedSeq++;
    entries++;
  }
  return { ok: true, entries, headHash: prevHash };
}
