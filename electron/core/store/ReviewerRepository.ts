import { z } from 'zod';
import { AppError } from '../../shared/errors/AppError.js';
import { validate } from '../../shared/errors/validate.js';
import type { AuditLog } from './AuditLog.js';
import { found } from './notFound.js';
import type { StoreContext } from './StoreContext.js';
import { prepared, readQuery, writeTransaction } from './StoreContext.js';

/** A reviewer profile: who can sign (the printed name on a signature comes from here). */
export interface ReviewerRecord {
  readonly id: number;
  readonly name: string;
  readonly initials: string;
  /** e.g. "Consultant haematologist", "Biomedical scientist". */
  readonly role: string;
  readonly addedAt: string;
  /** False for profiles that arrived in a case bundle without credentials: they cannot sign here. */
  readonly canSign: boolean;
}

/** A new reviewer profile (the password hash is made by core/signoff, never here). */
export interface NewReviewer {
  readonly name: string;
  readonly initials: string;
  readonly role: string;
}

const NEW_REVIEWER = z.object({
  name: z.string().trim().min(1).max(200),
  initials: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z.-]{0,7}$/, { message: 'Expected 1–8 letters (dots and hyphens allowed) starting with a letter' }),
  role: z.string().trim().min(1).max(200),
});

interface Row {
  id: number;
  name: string;
  initials: string;
  role: string;
  added_at: string;
  has_credential: number;
}

const SELECT = 'SELECT r.*, EXISTS (SELECT 1 FROM reviewer_credentials c WHERE c.reviewer_id = r.id) AS has_credential FROM reviewers r';

/**
 * Reviewer profiles (never change or go away: signatures refer to them) and their password hashes
 * (kept in a separate table, replaced on a password change, stripped from case bundles; the audit
 * log records that a password was set, never the hash).
 */
export class ReviewerRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /** Adds a profile with its password hash in one transaction; initials are unique (case-insensitive). */
  add(reviewer: NewReviewer, passwordHash: string, actor?: string): ReviewerRecord {
    const r = validate(NEW_REVIEWER, reviewer, 'reviewer');
    return writeTransaction(this.ctx, `add reviewer ${r.initials}`, () => {
      if (this.findByInitials(r.initials) !== undefined) {
        throw new AppError('VALIDATION_FAILED', `Expected new initials for reviewer.initials but ${JSON.stringify(r.initials)} already belong to a reviewer in this case file`);
      }
      const now = this.ctx.now();
      const id = Number(prepared(this.ctx, 'INSERT INTO reviewers (name, initials, role, added_at) VALUES (?, ?, ?, ?)').run(r.name, r.initials, r.role, now).lastInsertRowid);
      prepared(this.ctx, 'INSERT INTO reviewer_credentials (reviewer_id, password_hash, set_at) VALUES (?, ?, ?)').run(id, passwordHash, now);
      this.audit.append({ actor: actor ?? r.initials, action: 'reviewer.add', entity: `reviewer:${id}`, payload: { name: r.name, initials: r.initials, role: r.role } });
      return this.get(id);
    });
  }

  /** Replaces a reviewer's password hash (the caller has checked the old password). */
  setPasswordHash(reviewerId: number, passwordHash: string): void {
    writeTransaction(this.ctx, `set the password of reviewer ${reviewerId}`, () => {
      const r = this.get(reviewerId);
      prepared(this.ctx, 'INSERT INTO reviewer_credentials (reviewer_id, password_hash, set_at) VALUES (?, ?, ?) ON CONFLICT (reviewer_id) DO UPDATE SET password_hash = excluded.password_hash, set_at = excluded.set_at')
        .run(reviewerId, passwordHash, this.ctx.now());
      this.audit.append({ actor: r.initials, action: 'reviewer.password', entity: `reviewer:${reviewerId}`, payload: { initials: r.initials } });
    });
  }

  /** The stored password hash, or null when the profile has none here (it came in a bundle). */
  passwordHash(reviewerId: number): string | null {
    return readQuery('read a reviewer credential', () => {
      const h = prepared(this.ctx, 'SELECT password_hash FROM reviewer_credentials WHERE reviewer_id = ?').pluck().get(reviewerId) as string | undefined;
      return h ?? null;
    });
  }

  /** The reviewer with this id, or NOT_FOUND. */
  get(id: number): ReviewerRecord {
    const row = readQuery('read a reviewer', () => prepared(this.ctx, `${SELECT} WHERE r.id = ?`).get(id) as Row | undefined);
    return toRecord(found(row, 'reviewer', id));
  }

  /** The reviewer with these initials (case-insensitive), if any. */
  findByInitials(initials: string): ReviewerRecord | undefined {
    const row = readQuery('find a reviewer', () => prepared(this.ctx, `${SELECT} WHERE r.initials = ? COLLATE NOCASE`).get(initials.trim()) as Row | undefined);
    return row === undefined ? undefined : toRecord(row);
  }

  /** Every reviewer, in the order added. */
  list(): ReviewerRecord[] {
    return readQuery('list reviewers', () => (prepared(this.ctx, `${SELECT} ORDER BY r.id`).all() as Row[]).map(toRecord));
  }
}

function toRecord(r: Row): ReviewerRecord {
  return { id: r.id, name: r.name, initials: r.initials, role: r.role, addedAt: r.added_at, canSign: r.has_credential === 1 };
}
