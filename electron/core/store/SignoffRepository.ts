import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors/AppError.js';
import type { AuditLog } from './AuditLog.js';
import { canonicalJson } from './canonicalJson.js';
import type { ReviewerRecord } from './ReviewerRepository.js';
import type { StoreContext } from './StoreContext.js';
import { prepared, readQuery, writeTransaction } from './StoreContext.js';

/** What a signature means (21 CFR 11.50(a)(3)). */
export type SignatureMeaning = 'reviewed' | 'approved';

/** The first signer of a version, or the optional independent second reviewer. */
export type SignatureCapacity = 'primary' | 'second';

/** A cell the second reviewer would label differently from the signed version. */
export interface Disagreement {
  readonly cellId: number;
  /** The label in the signed version. */
  readonly signedCode: string;
  /** The second reviewer's label. */
  readonly proposedCode: string;
  readonly note: string | null;
}

/** One stored electronic signature with its manifestation (printed name, time, meaning). */
export interface SignatureRecord {
  readonly id: number;
  readonly versionId: number;
  readonly runId: number;
  readonly version: number;
  readonly capacity: SignatureCapacity;
  readonly meaning: SignatureMeaning;
  readonly reviewerId: number;
  readonly printedName: string;
  readonly initials: string;
  readonly role: string;
  readonly signedAt: string;
  /** sha256 of the signed snapshot (canonical JSON). */
  readonly snapshotHash: string;
  readonly deferredCells: number;
  readonly overrideReason: string | null;
  readonly disagreements: readonly Disagreement[];
  /** The audit entry that records this signature. */
  readonly auditSeq: number;
  readonly auditHash: string;
}

/** A report version of an analysis run: 1, then amendments; `open` versions can still change. */
export interface ReportVersionRecord {
  readonly id: number;
  readonly runId: number;
  readonly version: number;
  readonly amends: number | null;
  /** Why the amendment was opened (null for version 1). */
  readonly reason: string | null;
  readonly openedBy: string;
  readonly openedAt: string;
  readonly status: 'open' | 'signed';
  readonly signedAt: string | null;
  /** What was signed (differential, label digest, case details...), parsed; null while open. */
  readonly snapshot: unknown;
  readonly snapshotHash: string | null;
  readonly signatures: readonly SignatureRecord[];
}

/** What the caller computes inside the signing transaction (so no decision can slip in between). */
export interface SignedSnapshot {
  readonly snapshot: unknown;
  readonly deferredCells: number;
}

interface VersionRow {
  id: number;
  run_id: number;
  version: number;
  amends: number | null;
  reason: string | null;
  opened_by: string;
  opened_at: string;
  status: 'open' | 'signed';
  signed_at: string | null;
  snapshot: string | null;
  snapshot_hash: string | null;
}

interface SignatureRow {
  id: number;
  version_id: number;
  run_id: number;
  version: number;
  reviewer_id: number;
  capacity: SignatureCapacity;
  meaning: SignatureMeaning;
  printed_name: string;
  initials: string;
  role: string;
  signed_at: string;
  snapshot_hash: string;
  deferred_cells: number;
  override_reason: string | null;
  disagreements: string;
  audit_seq: number;
  audit_hash: string;
}

/** sha256 (hex) of a snapshot's canonical JSON: what a signature binds to. */
export function snapshotHash(snapshot: unknown): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

/**
 * Report versions and signatures per analysis run. Signing the latest version locks the run (a
 * trigger refuses new review decisions on its cells); an amendment opens the next version, which
 * unlocks it until that version is signed. Every signature appends one audit entry in the same
 * transaction and records that entry's seq and hash.
 */
export class SignoffRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /** Every version of a run's report, oldest first, with their signatures. */
  versions(runId: number): ReportVersionRecord[] {
    return readQuery('read report versions', () => {
      const rows = prepared(this.ctx, 'SELECT * FROM report_versions WHERE run_id = ? ORDER BY version').all(runId) as VersionRow[];
      const sigs = this.signatures(runId);
      return rows.map((r) => toVersion(r, sigs.filter((s) => s.versionId === r.id)));
    });
  }

  /** The newest version of a run's report, or null before the first signature. */
  latest(runId: number): ReportVersionRecord | null {
    return this.versions(runId).at(-1) ?? null;
  }

  /** True when the run's latest version is signed: its labels cannot change until an amendment is opened. */
  isLocked(runId: number): boolean {
    return this.latest(runId)?.status === 'signed';
  }

  /** Every signature of a run, oldest first. */
  signatures(runId: number): SignatureRecord[] {
    return readQuery('read signatures', () =>
      (prepared(this.ctx,
        `SELECT s.*, v.run_id, v.version FROM signatures s JOIN report_versions v ON v.id = s.version_id WHERE v.run_id = ? ORDER BY s.id`,
      ).all(runId) as SignatureRow[]).map(toSignature),
    );
  }

  /** Every signature in the case file (for verification), oldest first. */
  allSignatures(): SignatureRecord[] {
    return readQuery('read signatures', () =>
      (prepared(this.ctx, 'SELECT s.*, v.run_id, v.version FROM signatures s JOIN report_versions v ON v.id = s.version_id ORDER BY s.id').all() as SignatureRow[]).map(toSignature),
    );
  }

  /** Every version in the case file with its stored snapshot text (for verification). */
  allVersionsRaw(): { id: number; runId: number; version: number; status: string; snapshot: string | null; snapshotHash: string | null }[] {
    return readQuery('read report versions', () =>
      (prepared(this.ctx, 'SELECT * FROM report_versions ORDER BY id').all() as VersionRow[]).map((r) => ({
        id: r.id,
        runId: r.run_id,
        version: r.version,
        status: r.status,
        snapshot: r.snapshot,
        snapshotHash: r.snapshot_hash,
      })),
    );
  }

  /** Every cell of a run with its current label, in id order (what a signature's label digest covers). */
  currentLabels(runId: number): [number, string][] {
    return readQuery('read current labels', () =>
      (prepared(this.ctx, 'SELECT cell_id, label_code FROM cell_labels WHERE run_id = ? ORDER BY cell_id').raw().all(runId) as [number, string][]),
    );
  }

  /**
   * Signs the run's report as its primary signer: version 1, or the open amendment. Refused with
   * REPORT_SIGNED when the latest version is already signed. `snapshotOf` runs inside the
   * transaction, so what is hashed is exactly what is locked.
   */
  signPrimary(request: {
    runId: number;
    reviewer: ReviewerRecord;
    meaning: SignatureMeaning;
    overrideReason: string | null;
    snapshotOf: (version: number) => SignedSnapshot;
  }): SignatureRecord {
    return writeTransaction(this.ctx, `sign the report of analysis run ${request.runId}`, () => {
      const latest = this.latestRow(request.runId);
      if (latest?.status === 'signed') {
        throw new AppError(
          'REPORT_SIGNED',
          `The report of analysis run ${request.runId} is already signed (version ${latest.version}); to change it, open an amendment (marrowscope sign amend) and sign that`,
        );
      }
      const version = latest?.version ?? 1;
      const { snapshot, deferredCells } = request.snapshotOf(version);
      if (deferredCells > 0 && (request.overrideReason === null || request.overrideReason.trim() === '')) {
        throw new AppError(
          'SIGNOFF_BLOCKED',
          `Analysis run ${request.runId} has ${deferredCells} cell(s) marked "defer": classify them first, or sign with an override reason`,
        );
      }
      const hash = snapshotHash(snapshot);
      const now = this.ctx.now();
      let versionId: number;
      if (latest === undefined) {
        versionId = Number(
          prepared(this.ctx,
            `INSERT INTO report_versions (run_id, version, opened_by, opened_at, status, signed_at, snapshot, snapshot_hash)
             VALUES (?, 1, ?, ?, 'signed', ?, ?, ?)`,
          ).run(request.runId, request.reviewer.initials, now, now, canonicalJson(snapshot), hash).lastInsertRowid,
        );
      } else {
        versionId = latest.id;
        prepared(this.ctx, "UPDATE report_versions SET status = 'signed', signed_at = ?, snapshot = ?, snapshot_hash = ? WHERE id = ?").run(
          now,
          canonicalJson(snapshot),
          hash,
          versionId,
        );
      }
      return this.insertSignature(request.runId, versionId, version, 'primary', request.reviewer, request.meaning, hash, deferredCells, request.overrideReason, []);
    });
  }

  /**
   * The independent second reviewer's signature on the latest signed version, with the cells
   * they would label differently. Refused when the version is not signed, already has a second
   * signature, or the signer is the primary signer.
   */
  signSecond(request: { runId: number; reviewer: ReviewerRecord; meaning: SignatureMeaning; disagreements: readonly Disagreement[] }): SignatureRecord {
    return writeTransaction(this.ctx, `second-sign the report of analysis run ${request.runId}`, () => {
      const latest = this.latestRow(request.runId);
      if (latest === undefined || latest.status !== 'signed') {
        throw new AppError(
          'SIGNOFF_BLOCKED',
          `The report of analysis run ${request.runId} has no signed ${latest ? `version ${latest.version}` : 'version'} yet: the primary reviewer signs first`,
        );
      }
      const sigs = this.signatures(request.runId).filter((s) => s.versionId === latest.id);
      const primary = sigs.find((s) => s.capacity === 'primary');
      if (primary?.reviewerId === request.reviewer.id) {
        throw new AppError('SIGNOFF_BLOCKED', `Reviewer ${request.reviewer.initials} signed version ${latest.version} as primary reviewer; the second reviewer must be someone else`);
      }
      if (sigs.some((s) => s.capacity === 'second')) {
        throw new AppError('REPORT_SIGNED', `Version ${latest.version} of the report of analysis run ${request.runId} already has a second reviewer's signature`);
      }
      return this.insertSignature(request.runId, latest.id, latest.version, 'second', request.reviewer, request.meaning, latest.snapshot_hash as string, 0, null, request.disagreements);
    });
  }

  /** Opens the next version (an amendment) of a signed report, unlocking the run's labels; the signed versions are kept. */
  amend(request: { runId: number; reviewer: ReviewerRecord; reason: string }): ReportVersionRecord {
    const reason = request.reason.trim();
    if (reason === '') throw new AppError('VALIDATION_FAILED', 'Expected a reason for the amendment but received nothing');
    return writeTransaction(this.ctx, `amend the report of analysis run ${request.runId}`, () => {
      const latest = this.latestRow(request.runId);
      if (latest === undefined || latest.status !== 'signed') {
        throw new AppError(
          'VALIDATION_FAILED',
          latest === undefined
            ? `The report of analysis run ${request.runId} is not signed yet: there is nothing to amend; change the labels and sign`
            : `Version ${latest.version} of the report of analysis run ${request.runId} is an open amendment already; sign it first`,
        );
      }
      const id = Number(
        prepared(this.ctx,
          "INSERT INTO report_versions (run_id, version, amends, reason, opened_by, opened_at, status) VALUES (?, ?, ?, ?, ?, ?, 'open')",
        ).run(request.runId, latest.version + 1, latest.id, reason, request.reviewer.initials, this.ctx.now()).lastInsertRowid,
      );
      this.audit.append({
        actor: request.reviewer.initials,
        action: 'signoff.amend',
        entity: `run:${request.runId}`,
        payload: { versionId: id, version: latest.version + 1, amends: latest.id, reason, reviewerId: request.reviewer.id },
      });
      return this.versions(request.runId).find((v) => v.id === id) as ReportVersionRecord;
    });
  }

  private insertSignature(
    runId: number,
    versionId: number,
    version: number,
    capacity: SignatureCapacity,
    reviewer: ReviewerRecord,
    meaning: SignatureMeaning,
    hash: string,
    deferredCells: number,
    overrideReason: string | null,
    disagreements: readonly Disagreement[],
  ): SignatureRecord {
    const payload = {
      runId,
      versionId,
      version,
      capacity,
      meaning,
      reviewerId: reviewer.id,
      printedName: reviewer.name,
      initials: reviewer.initials,
      role: reviewer.role,
      snapshotHash: hash,
      deferredCells,
      overrideReason,
      disagreements,
    };
    const entry = this.audit.append({ actor: reviewer.initials, action: capacity === 'primary' ? 'signoff.sign' : 'signoff.second', entity: `run:${runId}`, payload });
    const id = Number(
      prepared(this.ctx,
        `INSERT INTO signatures (version_id, reviewer_id, capacity, meaning, printed_name, initials, role, signed_at, snapshot_hash, deferred_cells,
           override_reason, disagreements, audit_seq, audit_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(versionId, reviewer.id, capacity, meaning, reviewer.name, reviewer.initials, reviewer.role, entry.at, hash, deferredCells, overrideReason,
        canonicalJson(disagreements), entry.seq, entry.hash).lastInsertRowid,
    );
    return this.signatures(runId).find((s) => s.id === id) as SignatureRecord;
  }

  private latestRow(runId: number): VersionRow | undefined {
    return prepared(this.ctx, 'SELECT * FROM report_versions WHERE run_id = ? ORDER BY version DESC LIMIT 1').get(runId) as VersionRow | undefined;
  }
}

function toVersion(r: VersionRow, signatures: SignatureRecord[]): ReportVersionRecord {
  return {
    id: r.id,
    runId: r.run_id,
    version: r.version,
    amends: r.amends,
    reason: r.reason,
    openedBy: r.opened_by,
    openedAt: r.opened_at,
    status: r.status,
    signedAt: r.signed_at,
    snapshot: r.snapshot === null ? null : (JSON.parse(r.snapshot) as unknown),
    snapshotHash: r.snapshot_hash,
    signatures,
  };
}

function toSignature(r: SignatureRow): SignatureRecord {
  return {
    id: r.id,
    versionId: r.version_id,
    runId: r.run_id,
    version: r.version,
    capacity: r.capacity,
    meaning: r.meaning,
    reviewerId: r.reviewer_id,
    printedName: r.printed_name,
    initials: r.initials,
    role: r.role,
    signedAt: r.signed_at,
    snapshotHash: r.snapshot_hash,
    deferredCells: r.deferred_cells,
    overrideReason: r.override_reason,
    disagreements: JSON.parse(r.disagreements) as Disagreement[],
    auditSeq: r.audit_seq,
    auditHash: r.audit_hash,
  };
}
