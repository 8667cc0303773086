import type Database from 'better-sqlite3';
import { AnalysisRunRepository } from './AnalysisRunRepository.js';
import { AuditLog } from './AuditLog.js';
import { CaseDetailsRepository } from './CaseDetailsRepository.js';
import { CellRepository } from './CellRepository.js';
import { schemaVersion } from './migrate.js';
import { RegionRepository } from './RegionRepository.js';
import { ReviewRepository } from './ReviewRepository.js';
import { ReviewerRepository } from './ReviewerRepository.js';
import { SignoffRepository } from './SignoffRepository.js';
import { SlideRepository } from './SlideRepository.js';
import type { StoreContext } from './StoreContext.js';
import { readQuery, writeTransaction } from './StoreContext.js';

/** One open case file (.marrowscope): its repositories over a single connection (the single writer). */
export class CaseStore {
  readonly path: string;
  readonly slides: SlideRepository;
  readonly runs: AnalysisRunRepository;
  readonly regions: RegionRepository;
  readonly cells: CellRepository;
  readonly review: ReviewRepository;
  readonly audit: AuditLog;
  readonly reviewers: ReviewerRepository;
  readonly signoff: SignoffRepository;
  readonly caseDetails: CaseDetailsRepository;
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext, path: string) {
    this.#ctx = ctx;
    this.path = path;
    this.audit = new AuditLog(ctx);
    this.slides = new SlideRepository(ctx, this.audit);
    this.runs = new AnalysisRunRepository(ctx, this.audit);
    this.regions = new RegionRepository(ctx, this.audit);
    this.cells = new CellRepository(ctx, this.audit);
    this.review = new ReviewRepository(ctx, this.audit);
    this.reviewers = new ReviewerRepository(ctx, this.audit);
    this.signoff = new SignoffRepository(ctx, this.audit);
    this.caseDetails = new CaseDetailsRepository(ctx, this.audit);
  }

  /** Groups several repository writes into one transaction: all commit, or none (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return writeTransaction(this.#ctx, 'write to the case file', fn);
  }

  /** The schema version (PRAGMA user_version). */
  schemaVersion(): number {
    return readQuery('read the schema version', () => schemaVersion(this.#ctx.db));
  }

  /** SQLite's full consistency check: ['ok'] for a sound file, else the problems it found. */
  integrityCheck(): string[] {
    return readQuery('check the case file', () => this.#ctx.db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
  }

  /** Copies the WAL into the main file (e.g. before the file is copied elsewhere). */
  checkpoint(): void {
    readQuery('checkpoint the case file', () => this.#ctx.db.pragma('wal_checkpoint(TRUNCATE)'));
  }

  /** True until {@link close}. */
  get open(): boolean {
    return this.#ctx.db.open;
  }

  /** Closes the connection (SQLite checkpoints and removes the WAL when it is the last one). */
  close(): void {
    if (this.#ctx.db.open) this.#ctx.db.close();
  }

  /** The underlying connection, for the store's own tests and tools; other code goes through the repositories. */
  get connection(): Database.Database {
    return this.#ctx.db;
  }
}
