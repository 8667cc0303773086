import { z } from 'zod';
import type { CellClassCode } from '../../shared/domain/taxonomy.js';
import { DEFER_CODE, isCellClassCode } from '../../shared/domain/taxonomy.js';
import { AppError } from '../../shared/errors/AppError.js';
import { validate } from '../../shared/errors/validate.js';
import type { AuditLog } from './AuditLog.js';
import { found } from './notFound.js';
import type { StoreContext } from './StoreContext.js';
import { prepared, readQuery, writeTransaction } from './StoreContext.js';

/** What a reviewer can do to cells; undo and redo are recorded as decisions too. */
export type ReviewAction = 'reclassify' | 'confirm' | 'defer' | 'undo' | 'redo';

/** One append-only review decision. */
export interface ReviewDecision {
  readonly id: number;
  /** Decisions made by one gesture (e.g. a bulk reclassification) share a batch; undo/redo act per batch. */
  readonly batchId: number;
  readonly cellId: number;
  readonly action: ReviewAction;
  /** The label this decision gives the cell; null for an undo. */
  readonly labelCode: CellClassCode | null;
  readonly reviewer: string;
  readonly decidedAt: string;
  /** For undo: the decision it reverses; for redo: the undo it reverses. */
  readonly undoOf: number | null;
  readonly note: string | null;
}

/** A cell's current label and where it comes from. */
export interface CurrentLabel {
  readonly cellId: number;
  readonly labelCode: CellClassCode;
  readonly source: 'review' | 'prediction';
  readonly predictedCode: CellClassCode;
  /** The decision that set it, when source is review. */
  readonly decisionId: number | null;
  readonly reviewer: string | null;
}

/** The decisions one call appended. */
export interface ReviewBatch {
  readonly batchId: number;
  readonly action: ReviewAction;
  readonly decisionIds: readonly number[];
  readonly cellIds: readonly number[];
}

const DECIDE = z.object({
  cellIds: z.array(z.number().int().positive()).min(1),
  action: z.enum(['reclassify', 'confirm', 'defer']),
  labelCode: z.string().optional(),
  reviewer: z.string().trim().min(1),
  note: z.string().optional(),
});

interface DecisionRow {
  id: number;
  batch_id: number;
  cell_id: number;
  action: ReviewAction;
  label_code: string | null;
  reviewer: string;
  decided_at: string;
  undo_of: number | null;
  note: string | null;
}

interface BatchRow {
  batch_id: number;
  action: ReviewAction;
  target_batch: number | null;
}

/**
 * Review decisions: APPEND-ONLY (triggers reject UPDATE and DELETE). The current label is derived
 * (view `cell_labels`): the latest decision that no undo reverses, else the prediction. Undo and
 * redo append decisions too, per reviewer, like an editor's undo stack: undo reverses that
 * reviewer's latest effective gesture; redo re-applies the latest undone one; a new gesture
 * clears the redo stack.
 */
export class ReviewRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Records one gesture on one or more cells in one transaction (one batch, one audit entry):
   * reclassify to `labelCode`, confirm each cell's current label, or defer ("decide later").
   */
  decide(request: { cellIds: readonly number[]; action: 'reclassify' | 'confirm' | 'defer'; labelCode?: string; reviewer: string; note?: string }): ReviewBatch {
    const r = validate(DECIDE, request, 'review');
    if (r.action === 'reclassify') {
      if (r.labelCode === undefined || !isCellClassCode(r.labelCode) || r.labelCode === DEFER_CODE) {
        throw new AppError('VALIDATION_FAILED', `Expected a cell class code other than DEFER for review.labelCode but received ${JSON.stringify(r.labelCode)}`);
      }
    } else if (r.labelCode !== undefined) {
      throw new AppError('VALIDATION_FAILED', `Expected no review.labelCode for action ${r.action} but received ${JSON.stringify(r.labelCode)}`);
    }
    const cellIds = [...new Set(r.cellIds)];
    return writeTransaction(this.ctx, `record a ${r.action} decision`, () => {
      this.requireCells(cellIds);
      const batchId = this.nextBatchId();
      const now = this.ctx.now();
      const insert = this.insertStatement();
      const decisionIds = cellIds.map((cellId) => {
        const label = r.action === 'reclassify' ? (r.labelCode as string) : r.action === 'defer' ? DEFER_CODE : this.confirmable(cellId);
        return Number(insert.run(batchId, cellId, r.action, label, r.reviewer, now, null, r.note ?? null).lastInsertRowid);
      });
      this.audit.append({
        actor: r.reviewer,
        action: `review.${r.action}`,
        entity: `review_batch:${batchId}`,
        payload: { cellIds, labelCode: r.action === 'reclassify' ? r.labelCode : r.action === 'defer' ? DEFER_CODE : null, decisionIds, note: r.note ?? null },
      });
      return { batchId, action: r.action, decisionIds, cellIds };
    });
  }

  /** Reverses this reviewer's latest effective gesture (appending undo decisions); null when there is nothing to undo. */
  undo(reviewer: string): ReviewBatch | null {
    return writeTransaction(this.ctx, 'undo a review decision', () => {
      const target = this.stacks(reviewer).undo.at(-1);
      if (target === undefined) return null;
      const targets = this.decisionsOfBatch(target);
      return this.appendReversal(reviewer, 'undo', targets, () => null, target);
    });
  }

  /** Re-applies this reviewer's latest undone gesture (appending redo decisions); null when there is nothing to redo. */
  redo(reviewer: string): ReviewBatch | null {
    return writeTransaction(this.ctx, 'redo a review decision', () => {
      const undoBatch = this.stacks(reviewer).redo.at(-1);
      if (undoBatch === undefined) return null;
      const undos = this.decisionsOfBatch(undoBatch);
      const labelOf = prepared(this.ctx, 'SELECT label_code FROM review_decisions WHERE id = ?').pluck();
      return this.appendReversal(reviewer, 'redo', undos, (u) => labelOf.get(u.undo_of) as string, undoBatch);
    });
  }

  /** What undo and redo would act on for this reviewer (batch ids), e.g. to enable menu items. */
  undoState(reviewer: string): { canUndo: boolean; canRedo: boolean } {
    return readQuery('read the undo state', () => {
      const s = this.stacks(reviewer);
      return { canUndo: s.undo.length > 0, canRedo: s.redo.length > 0 };
    });
  }

  /** A cell's current label (derived from the append-only decisions), or NOT_FOUND. */
  currentLabel(cellId: number): CurrentLabel {
    const row = readQuery('read a current label', () =>
      prepared(this.ctx, 'SELECT * FROM cell_labels WHERE cell_id = ?').get(cellId) as
        | { cell_id: number; label_code: string; predicted_code: string; decision_id: number | null; reviewer: string | null }
        | undefined,
    );
    const r = found(row, 'cell', cellId);
    return {
      cellId,
      labelCode: r.label_code as CellClassCode,
      source: r.decision_id === null ? 'prediction' : 'review',
      predictedCode: r.predicted_code as CellClassCode,
      decisionId: r.decision_id,
      reviewer: r.reviewer,
    };
  }

  /** Every decision on a cell, oldest first (the who-changed-what trail). */
  history(cellId: number): ReviewDecision[] {
    return readQuery('read review history', () =>
      (prepared(this.ctx, 'SELECT * FROM review_decisions WHERE cell_id = ? ORDER BY id').all(cellId) as DecisionRow[]).map(toDecision),
    );
  }

  /** Cells of the given runs whose current label is DEFER: a case with any cannot be signed. */
  deferredCount(runIds: readonly number[]): number {
    return readQuery('count deferred cells', () =>
      prepared(this.ctx, "SELECT count(*) FROM cell_labels WHERE label_code = 'DEFER' AND run_id IN (SELECT value FROM json_each(?))")
        .pluck()
        .get(JSON.stringify(runIds)) as number,
    );
  }

  private appendReversal(
    reviewer: string,
    action: 'undo' | 'redo',
    targets: readonly DecisionRow[],
    labelFor: (target: DecisionRow) => string | null,
    targetBatch: number,
  ): ReviewBatch {
    const batchId = this.nextBatchId();
    const now = this.ctx.now();
    const insert = this.insertStatement();
    const decisionIds = targets.map((t) => Number(insert.run(batchId, t.cell_id, action, labelFor(t), reviewer, now, t.id, null).lastInsertRowid));
    const cellIds = targets.map((t) => t.cell_id);
    this.audit.append({ actor: reviewer, action: `review.${action}`, entity: `review_batch:${batchId}`, payload: { targetBatch, cellIds, decisionIds } });
    return { batchId, action, decisionIds, cellIds };
  }

  /**
   * Replays this reviewer's batches into undo and redo stacks: a gesture pushes onto undo and
   * clears redo; an undo moves its target from undo to redo; a redo moves its undo back.
   */
  private stacks(reviewer: string): { undo: number[]; redo: number[] } {
    const batches = prepared(
        this.ctx,
        `SELECT d.batch_id, min(d.action) AS action, min(t.batch_id) AS target_batch
         FROM review_decisions d LEFT JOIN review_decisions t ON t.id = d.undo_of
         WHERE d.reviewer = ? GROUP BY d.batch_id ORDER BY d.batch_id`,
      )
      .all(reviewer) as BatchRow[];
    const undo: number[] = [];
    let redo: number[] = [];
    const remove = (stack: number[], id: number | null): void => {
      const i = id === null ? -1 : stack.lastIndexOf(id);
      if (i >= 0) stack.splice(i, 1);
    };
    for (const b of batches) {
      if (b.action === 'undo') {
        remove(undo, b.target_batch);
        redo.push(b.batch_id);
      } else if (b.action === 'redo') {
        remove(redo, b.target_batch);
        undo.push(b.batch_id);
      } else {
        undo.push(b.batch_id);
        redo = [];
      }
    }
    return { undo, redo };
  }

  private requireCells(cellIds: readonly number[]): void {
    const existing = new Set(
      prepared(this.ctx, 'SELECT id FROM cells WHERE id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(cellIds)) as number[],
    );
    const missing = cellIds.filter((id) => !existing.has(id));
    if (missing.length > 0) throw new AppError('NOT_FOUND', `No cell with id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''} in this case file`);
  }

  /** The label a confirm records: the current one; a deferred cell needs a real decision, not a confirmation. */
  private confirmable(cellId: number): string {
    const label = this.currentLabel(cellId).labelCode;
    if (label === DEFER_CODE) {
      throw new AppError('VALIDATION_FAILED', `Cell ${cellId} is deferred: reclassify it (or undo the deferral) instead of confirming DEFER`);
    }
    return label;
  }

  private decisionsOfBatch(batchId: number): DecisionRow[] {
    return prepared(this.ctx, 'SELECT * FROM review_decisions WHERE batch_id = ? ORDER BY id').all(batchId) as DecisionRow[];
  }

  private nextBatchId(): number {
    return (prepared(this.ctx, 'SELECT coalesce(max(batch_id), 0) + 1 FROM review_decisions').pluck().get() as number) ?? 1;
  }

  private insertStatement() {
    return prepared(
      this.ctx,
      'INSERT INTO review_decisions (batch_id, cell_id, action, label_code, reviewer, decided_at, undo_of, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }
}

function toDecision(r: DecisionRow): ReviewDecision {
  return {
    id: r.id,
    batchId: r.batch_id,
    cellId: r.cell_id,
    action: r.action,
    labelCode: r.label_code as CellClassCode | null,
    reviewer: r.reviewer,
    decidedAt: r.decided_at,
    undoOf: r.undo_of,
    note: r.note,
  };
}
