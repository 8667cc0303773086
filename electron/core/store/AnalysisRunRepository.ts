import { z } from 'zod';
import { isCellClassCode } from '../../shared/domain/taxonomy.js';
import { AppError } from '../../shared/errors/AppError.js';
import { validate } from '../../shared/errors/validate.js';
import type { AuditLog } from './AuditLog.js';
import { found } from './notFound.js';
import type { StoreContext } from './StoreContext.js';
import { prepared, readQuery, writeTransaction } from './StoreContext.js';

/** Lifecycle of an analysis run; `running` is also what a crashed run is left in (resume it). */
export type AnalysisRunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/** Provenance of one analysis run: exactly which models, code and settings produced its cells. */
export interface NewAnalysisRun {
  readonly slideId: number;
  /** sha256 of the model manifest file. */
  readonly manifestHash: string;
  /** Member file hashes (e.g. `{ "member-1.onnx": "ab12..." }`), stored as JSON. */
  readonly memberHashes: Readonly<Record<string, string>>;
  /** The model's class codes in output order: the order of every cell's probability vector. */
  readonly classCodes: readonly string[];
  readonly appVersion: string;
  /** Every setting that changes results (region size, thresholds, batch size, ...), stored as JSON. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Execution provider actually used (e.g. "cpu"), when known at start. */
  readonly provider?: string | null;
}

/** An analysis run as stored. */
export interface AnalysisRunRecord extends Omit<NewAnalysisRun, 'provider'> {
  readonly id: number;
  readonly provider: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: AnalysisRunStatus;
  readonly error: { readonly code: string; readonly message: string } | null;
}

const NEW_RUN = z.object({
  slideId: z.number().int().positive(),
  manifestHash: z.string().min(1),
  memberHashes: z.record(z.string(), z.string()),
  classCodes: z
    .array(z.string().refine(isCellClassCode, { message: 'Expected a taxonomy class code' }))
    .min(1)
    .refine((a) => new Set(a).size === a.length, { message: 'Expected distinct class codes' }),
  appVersion: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()),
  provider: z.string().min(1).nullable().optional(),
});

interface Row {
  id: number;
  slide_id: number;
  manifest_hash: string;
  member_hashes: string;
  class_codes: string;
  app_version: string;
  parameters: string;
  provider: string | null;
  started_at: string;
  finished_at: string | null;
  status: AnalysisRunStatus;
  error_code: string | null;
  error_message: string | null;
}

/** Analysis runs and their provenance; a finished run never changes (triggers enforce it). */
export class AnalysisRunRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /** Records the start of a run (status running) with its full provenance. */
  start(run: NewAnalysisRun): AnalysisRunRecord {
    const r = validate(NEW_RUN, run, 'analysisRun');
    return writeTransaction(this.ctx, 'record the start of an analysis run', () => {
      const info = prepared(
          this.ctx,
          `INSERT INTO analysis_runs (slide_id, manifest_hash, member_hashes, class_codes, app_version, parameters, provider, started_at, status)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')`,
        )
        .run(
          r.slideId,
          r.manifestHash,
          JSON.stringify(r.memberHashes),
          JSON.stringify(r.classCodes),
          r.appVersion,
          JSON.stringify(r.parameters),
          r.provider ?? null,
          this.ctx.now(),
        );
      const id = Number(info.lastInsertRowid);
      this.audit.append({ action: 'run.start', entity: `run:${id}`, payload: { ...r, provider: r.provider ?? null } });
      return this.get(id);
    });
  }

  /** Records which execution provider ran (known only once the session exists); only while running. */
  setProvider(runId: number, provider: string): AnalysisRunRecord {
    return writeTransaction(this.ctx, `record the provider of analysis run ${runId}`, () => {
      this.requireRunning(runId);
      prepared(this.ctx, 'UPDATE analysis_runs SET provider = ? WHERE id = ?').run(provider, runId);
      this.audit.append({ action: 'run.provider', entity: `run:${runId}`, payload: { provider } });
      return this.get(runId);
    });
  }

  /** Ends a running run as completed, failed (with its coded error) or cancelled. */
  finish(runId: number, status: Exclude<AnalysisRunStatus, 'running'>, error?: { code: string; message: string }): AnalysisRunRecord {
    if (status === 'completed' && error !== undefined) {
      throw new AppError('VALIDATION_FAILED', `Expected no error for a completed analysis run ${runId} but received ${JSON.stringify(error)}`);
    }
    if (status === 'failed' && error === undefined) {
      throw new AppError('VALIDATION_FAILED', `Expected an error {code, message} for failed analysis run ${runId} but received nothing`);
    }
    return writeTransaction(this.ctx, `record the end of analysis run ${runId}`, () => {
      this.requireRunning(runId);
      prepared(this.ctx, 'UPDATE analysis_runs SET status = ?, finished_at = ?, error_code = ?, error_message = ? WHERE id = ?')
        .run(status, this.ctx.now(), error?.code ?? null, error?.message ?? null, runId);
      this.audit.append({ action: 'run.finish', entity: `run:${runId}`, payload: { status, error: error ?? null } });
      return this.get(runId);
    });
  }

  /** The run with this id, or NOT_FOUND. */
  get(id: number): AnalysisRunRecord {
    const row = readQuery('read an analysis run', () => prepared(this.ctx, 'SELECT * FROM analysis_runs WHERE id = ?').get(id) as Row | undefined);
    return toRecord(found(row, 'analysis run', id));
  }

  /** Every run of a slide, oldest first. */
  listForSlide(slideId: number): AnalysisRunRecord[] {
    return readQuery('list analysis runs', () =>
      (prepared(this.ctx, 'SELECT * FROM analysis_runs WHERE slide_id = ? ORDER BY id').all(slideId) as Row[]).map(toRecord),
    );
  }

  /** Runs still marked running: after a crash these are the ones to resume (or finish as failed). */
  unfinished(): AnalysisRunRecord[] {
    return readQuery('list unfinished analysis runs', () =>
      (prepared(this.ctx, "SELECT * FROM analysis_runs WHERE status = 'running' ORDER BY id").all() as Row[]).map(toRecord),
    );
  }

  /** The newest completed run of a slide, if any. */
  latestCompleted(slideId: number): AnalysisRunRecord | undefined {
    const row = readQuery('find the latest analysis run', () =>
      prepared(this.ctx, "SELECT * FROM analysis_runs WHERE slide_id = ? AND status = 'completed' ORDER BY id DESC LIMIT 1").get(slideId) as
        | Row
        | undefined,
    );
    return row === undefined ? undefined : toRecord(row);
  }

  private requireRunning(runId: number): void {
    const run = this.get(runId);
    if (run.status !== 'running') {
      throw new AppError('VALIDATION_FAILED', `Expected analysis run ${runId} to be running but it is ${run.status}; a finished run cannot change`);
    }
  }
}

function toRecord(r: Row): AnalysisRunRecord {
  return {
    id: r.id,
    slideId: r.slide_id,
    manifestHash: r.manifest_hash,
    memberHashes: JSON.parse(r.member_hashes) as Record<string, string>,
    classCodes: JSON.parse(r.class_codes) as string[],
    appVersion: r.app_version,
    parameters: JSON.parse(r.parameters) as Record<string, unknown>,
    provider: r.provider,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
  };
}
