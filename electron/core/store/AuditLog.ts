import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors/AppError.js';
import type { AuditRow as Row } from './auditHash.js';
import { auditHash, GENESIS_HASH } from './auditHash.js';
import { canonicalJson } from './canonicalJson.js';
import type { StoreContext } from './StoreContext.js';
import { prepared, readQuery } from './StoreContext.js';
import type { AuditVerification } from './verifyAuditChain.js';
import { verifyAuditChain } from './verifyAuditChain.js';

/** One audit entry as stored; `payload` is parsed back from its canonical JSON. */
export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  /** What happened, e.g. "cells.insert", "review.reclassify", "run.finish". */
  readonly action: string;
  /** What it happened to, e.g. "run:3", "region:12", "review_batch:7". */
  readonly entity: string;
  readonly payload: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

/** What a repository records about a change. */
export interface AuditEvent {
  readonly action: string;
  readonly entity: string;
  readonly payload: unknown;
  /** Defaults to the store's actor. */
  readonly actor?: string;
}

/** The append-only, hash-chained audit log (21 CFR 11.10(e)): who changed what, when. */
export class AuditLog {
  readonly #ctx: StoreContext;
  readonly #head: Database.Statement<[], { seq: number; hash: string }>;
  readonly #insert: Database.Statement<[Row]>;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
    this.#head = ctx.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.#insert = ctx.db.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, entity, payload, prev_hash, hash) VALUES (@seq, @at, @actor, @action, @entity, @payload, @prev_hash, @hash)',
    );
  }

  /**
   * Appends one entry. Must run inside the transaction that makes the change it records, so the
   * change and its audit row commit or roll back together; outside a transaction it is a bug.
   */
  append(event: AuditEvent): AuditEntry {
    if (!this.#ctx.db.inTransaction) {
      throw new AppError('INTERNAL', `Audit entry ${event.action} on ${event.entity} must be written inside the transaction of the change it records`);
    }
    const head = this.#head.get();
    const prevHash = head?.hash ?? GENESIS_HASH;
    const fields = {
      seq: (head?.seq ?? 0) + 1,
      at: this.#ctx.now(),
      actor: event.actor ?? this.#ctx.actor,
      action: event.action,
      entity: event.entity,
      payload: canonicalJson(event.payload ?? null),
    };
    const hash = auditHash(prevHash, fields);
    this.#insert.run({ ...fields, prev_hash: prevHash, hash });
    return { ...fields, payload: event.payload ?? null, prevHash, hash };
  }

  /** Entries in seq order, optionally for one entity, from a seq, at most `limit`. */
  list(options: { entity?: string; fromSeq?: number; limit?: number } = {}): AuditEntry[] {
    return readQuery('read the audit log', () => {
      const rows = prepared(
          this.#ctx,
          'SELECT * FROM audit_log WHERE seq >= @fromSeq AND (@entity IS NULL OR entity = @entity) ORDER BY seq LIMIT @limit',
        )
        .all({ fromSeq: options.fromSeq ?? 1, entity: options.entity ?? null, limit: options.limit ?? -1 }) as Row[];
      return rows.map((r) => ({
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        action: r.action,
        entity: r.entity,
        payload: JSON.parse(r.payload) as unknown,
        prevHash: r.prev_hash,
        hash: r.hash,
      }));
    });
  }

  /** The newest entry's seq and hash (record it elsewhere, e.g. in a signed report, to detect truncation). */
  head(): { seq: number; hash: string } | null {
    return readQuery('read the audit log', () => this.#head.get() ?? null);
  }

  /** Walks the whole chain; see {@link verifyAuditChain}. */
  verifyChain(): AuditVerification {
    return readQuery('verify the audit log', () => verifyAuditChain(this.#ctx.db));
  }
}
