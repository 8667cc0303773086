import { z } from 'zod';
import type { Point, Rect } from '../../shared/domain/geometry.js';
import type { CellClassCode } from '../../shared/domain/taxonomy.js';
import { isCellClassCode } from '../../shared/domain/taxonomy.js';
import { AppError } from '../../shared/errors/AppError.js';
import { validate } from '../../shared/errors/validate.js';
import type { AuditLog } from './AuditLog.js';
import { found } from './notFound.js';
import { decodeProbabilities, encodeProbabilities } from './probabilityBlob.js';
import type { StoreContext } from './StoreContext.js';
import { prepared, readQuery, writeTransaction } from './StoreContext.js';

/** One detected and classified cell, as the analysis pipeline hands it over (level-0 pixels). */
export interface NewCell {
  /** Index of the cell within its region (0, 1, ...): with run and region, its identity for resume. */
  readonly localIndex: number;
  readonly centroid: Point;
  readonly bbox: Rect;
  /** Outline as an open ring of points, level-0 pixels; stored as JSON `[[x, y], ...]`. */
  readonly outline?: readonly Point[] | null;
  /** Measurements (area µm², ...; µm only when the slide is calibrated), stored as JSON. */
  readonly measurements?: Readonly<Record<string, number | string | boolean | null>>;
  /** The classifier's input crop as JPEG bytes. */
  readonly crop?: Uint8Array | null;
  /** Ensemble mean probabilities in the run's class order. */
  readonly probabilities: ArrayLike<number>;
  readonly predictedCode: string;
  readonly entropy?: number | null;
  readonly mutualInformation?: number | null;
  readonly agreement?: number | null;
  readonly margin?: number | null;
}

/** What lists and overlays need about a cell: no crop, no probability vector. */
export interface CellSummary {
  readonly id: number;
  readonly runId: number;
  readonly regionId: number;
  readonly localIndex: number;
  readonly centroid: Point;
  readonly bbox: Rect;
  readonly predictedCode: CellClassCode;
  /** The current label: the latest review decision not undone, else the prediction. */
  readonly labelCode: CellClassCode;
  /** True when the current label comes from a review decision. */
  readonly reviewed: boolean;
  readonly entropy: number | null;
  readonly mutualInformation: number | null;
  readonly agreement: number | null;
  readonly margin: number | null;
}

/** Everything stored about a cell except the crop bytes (see {@link CellRepository.crop}). */
export interface CellRecord extends CellSummary {
  readonly outline: Point[] | null;
  readonly measurements: Record<string, unknown>;
  readonly probabilities: Float32Array;
  readonly hasCrop: boolean;
}

/** Sort keys for the review queue: most uncertain first. */
export type UncertaintyMetric = 'entropy' | 'mutualInformation' | 'margin' | 'agreement';

const finite = z.number().finite();
const NEW_CELL = z.object({
  localIndex: z.number().int().min(0),
  centroid: z.object({ x: finite, y: finite }),
  bbox: z.object({ x: finite, y: finite, width: finite.min(0), height: finite.min(0) }),
  outline: z.array(z.object({ x: finite, y: finite })).min(3).nullable().optional(),
  measurements: z.record(z.string(), z.union([finite, z.string(), z.boolean(), z.null()])).optional(),
  crop: z.instanceof(Uint8Array).nullable().optional(),
  probabilities: z.custom<ArrayLike<number>>(
    (v) => (Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array) && Array.prototype.every.call(v, Number.isFinite),
    { message: 'Expected an array of finite numbers' },
  ),
  predictedCode: z.string(),
  entropy: finite.nullable().optional(),
  mutualInformation: finite.nullable().optional(),
  agreement: finite.nullable().optional(),
  margin: finite.nullable().optional(),
});

interface SummaryRow {
  id: number;
  run_id: number;
  region_id: number;
  local_index: number;
  x: number;
  y: number;
  bbox_x: number;
  bbox_y: number;
  bbox_w: number;
  bbox_h: number;
  predicted_code: string;
  label_code: string;
  decision_id: number | null;
  entropy: number | null;
  mutual_information: number | null;
  agreement: number | null;
  margin: number | null;
}

interface RecordRow extends SummaryRow {
  outline: string | null;
  measurements: string;
  probabilities: Buffer;
  has_crop: number;
}

function toRecord(r: RecordRow): CellRecord {
  return {
    ...toSummary(r),
    outline: r.outline === null ? null : (JSON.parse(r.outline) as [number, number][]).map(([x, y]) => ({ x, y })),
    measurements: JSON.parse(r.measurements) as Record<string, unknown>,
    probabilities: decodeProbabilities(r.probabilities),
    hasCrop: r.has_crop === 1,
  };
}

/** Columns of a summary; the current label comes from the derived view `cell_labels`. */
const SUMMARY = `c.id, c.run_id, c.region_id, c.local_index, c.x, c.y, c.bbox_x, c.bbox_y, c.bbox_w, c.bbox_h,
  c.predicted_code, l.label_code, l.decision_id, c.entropy, c.mutual_information, c.agreement, c.margin`;
/** Columns of a full record: the summary plus outline, measurements, probabilities and whether a crop exists. */
const RECORD = `${SUMMARY}, c.outline, c.measurements, c.probabilities, c.crop IS NOT NULL AS has_crop`;

/** SQLite sorts NULL lowest: DESC already puts cells without a score last; ASC needs NULLS LAST. */
const ORDER_BY: Readonly<Record<UncertaintyMetric, string>> = {
  entropy: 'c.entropy DESC, c.id',
  mutualInformation: 'c.mutual_information DESC, c.id',
  margin: 'c.margin ASC NULLS LAST, c.id',
  agreement: 'c.agreement ASC NULLS LAST, c.id',
};

/** Cells: written in region batches by the analysis pipeline, read by viewport, label and uncertainty. */
export class CellRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Stores a region's cells in ONE transaction and, by default, marks the region done in the
   * same transaction (the resume marker): after a crash, a region is either done with all its
   * cells or pending with none that count. Re-sending a done region stores nothing; a cell whose
   * (run, region, localIndex) exists is skipped (ON CONFLICT DO NOTHING), never duplicated.
   */
  insertBatch(
    regionId: number,
    cells: readonly NewCell[],
    options: { completesRegion?: boolean; quality?: Readonly<Record<string, unknown>> } = {},
  ): { inserted: number; skipped: number; regionDone: boolean } {
    const list = validate(z.array(NEW_CELL), cells, 'cells') as readonly NewCell[];
    const completes = options.completesRegion ?? true;
    return writeTransaction(this.ctx, `store ${list.length} cells of region ${regionId}`, () => {
      const region = prepared(this.ctx, 'SELECT run_id, status FROM regions WHERE id = ?').get(regionId) as
        | { run_id: number; status: string }
        | undefined;
      const { run_id: runId, status } = found(region, 'region', regionId);
      if (status === 'done') return { inserted: 0, skipped: list.length, regionDone: true };
      const run = prepared(this.ctx, 'SELECT class_codes, status FROM analysis_runs WHERE id = ?').get(runId) as { class_codes: string; status: string };
      if (run.status !== 'running') {
        throw new AppError('VALIDATION_FAILED', `Expected analysis run ${runId} to be running but it is ${run.status}; cells cannot be added`);
      }
      const classCodes = JSON.parse(run.class_codes) as string[];
      list.forEach((c, i) => checkAgainstRun(c, i, classCodes));

      const insert = prepared(
        this.ctx,
        `INSERT INTO cells (run_id, region_id, local_index, x, y, bbox_x, bbox_y, bbox_w, bbox_h, outline, measurements, crop,
           probabilities, predicted_code, entropy, mutual_information, agreement, margin)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, region_id, local_index) DO NOTHING`,
      );
      let inserted = 0;
      let firstId: number | null = null;
      let lastId: number | null = null;
      for (const c of list) {
        const info = insert.run(
          runId,
          regionId,
          c.localIndex,
          c.centroid.x,
          c.centroid.y,
          c.bbox.x,
          c.bbox.y,
          c.bbox.width,
          c.bbox.height,
          c.outline ? JSON.stringify(c.outline.map((p) => [p.x, p.y])) : null,
          JSON.stringify(c.measurements ?? {}),
          c.crop ?? null,
          encodeProbabilities(c.probabilities),
          c.predictedCode,
          c.entropy ?? null,
          c.mutualInformation ?? null,
          c.agreement ?? null,
          c.margin ?? null,
        );
        if (info.changes === 1) {
          inserted++;
          lastId = Number(info.lastInsertRowid);
          firstId ??= lastId;
        }
      }
      if (completes) {
        prepared(
            this.ctx,
            `UPDATE regions SET status = 'done', completed_at = ?, quality = coalesce(?, quality),
               cell_count = (SELECT count(*) FROM cells WHERE region_id = ?) WHERE id = ?`,
          )
          .run(this.ctx.now(), options.quality ? JSON.stringify(options.quality) : null, regionId, regionId);
      }
      this.audit.append({
        action: 'cells.insert',
        entity: `region:${regionId}`,
        payload: { runId, inserted, skipped: list.length - inserted, firstCellId: firstId, lastCellId: lastId, regionDone: completes },
      });
      return { inserted, skipped: list.length - inserted, regionDone: completes };
    });
  }

  /** The cell with this id (without crop bytes), or NOT_FOUND. */
  get(id: number): CellRecord {
    const row = readQuery('read a cell', () =>
      prepared(this.ctx, `SELECT ${RECORD} FROM cells c JOIN cell_labels l ON l.cell_id = c.id WHERE c.id = ?`).get(id) as RecordRow | undefined,
    );
    return toRecord(found(row, 'cell', id));
  }

  /** Every cell of a run (without crop bytes) in processing order: region by region, then index in region. */
  *listForRun(runId: number): Generator<CellRecord> {
    const rows = readQuery('list the cells of a run', () =>
      prepared(
        this.ctx,
        `SELECT ${RECORD} FROM cells c JOIN cell_labels l ON l.cell_id = c.id JOIN regions g ON g.id = c.region_id
         WHERE c.run_id = ? ORDER BY g.order_index, c.local_index`,
      ).iterate(runId) as IterableIterator<RecordRow>,
    );
    for (const r of rows) yield toRecord(r);
  }

  /** The cell's crop (JPEG bytes), or null when none was stored. */
  crop(id: number): Buffer | null {
    const row = readQuery('read a cell crop', () => prepared(this.ctx, 'SELECT crop FROM cells WHERE id = ?').get(id) as { crop: Buffer | null } | undefined);
    return found(row, 'cell', id).crop;
  }

  /**
   * Cells of the given runs whose bounding box meets the viewport (level-0 pixels), at most
   * `limit` (default 5,000), in id order; `truncated` says more were there. The R*Tree search is
   * materialised and CROSS JOIN fixes the loop order (SQLite never reorders a CROSS JOIN): left
   * to itself the planner scans every cell of the run via the run_id index and probes the R*Tree
   * per cell, which grows with the slide instead of the viewport.
   */
  inViewport(runIds: number | readonly number[], viewport: Rect, options: { limit?: number } = {}): { cells: CellSummary[]; truncated: boolean } {
    const limit = positiveLimit(options.limit ?? 5000);
    const runs = toRunList(runIds);
    const right = viewport.x + viewport.width;
    const bottom = viewport.y + viewport.height;
    const rows = readQuery('query cells in a viewport', () =>
      prepared(
          this.ctx,
          `WITH hits AS MATERIALIZED (
             SELECT id FROM cells_rtree WHERE max_x >= @x AND min_x <= @right AND max_y >= @y AND min_y <= @bottom)
           SELECT ${SUMMARY} FROM hits h CROSS JOIN cells c ON c.id = h.id CROSS JOIN cell_labels l ON l.cell_id = c.id
           WHERE c.bbox_x + c.bbox_w >= @x AND c.bbox_x <= @right AND c.bbox_y + c.bbox_h >= @y AND c.bbox_y <= @bottom
             AND c.run_id IN (SELECT value FROM json_each(@runs))
           ORDER BY c.id LIMIT @limit`,
        )
        .all({ x: viewport.x, y: viewport.y, right, bottom, runs: JSON.stringify(runs), limit: limit + 1 }) as SummaryRow[],
    );
    return { cells: rows.slice(0, limit).map(toSummary), truncated: rows.length > limit };
  }

  /** Cells whose CURRENT label is `code` (a per-class gallery), in id order, paged. */
  byLabel(runIds: number | readonly number[], code: string, options: { limit?: number; offset?: number } = {}): CellSummary[] {
    if (!isCellClassCode(code)) throw new AppError('VALIDATION_FAILED', `Expected a cell class code but received ${JSON.stringify(code)}`);
    return readQuery(`list cells labelled ${code}`, () =>
      (
        prepared(
            this.ctx,
            `SELECT ${SUMMARY} FROM cell_labels l JOIN cells c ON c.id = l.cell_id
             WHERE l.run_id IN (SELECT value FROM json_each(@runs)) AND l.label_code = @code
             ORDER BY c.id LIMIT @limit OFFSET @offset`,
          )
          .all({ runs: JSON.stringify(toRunList(runIds)), code, limit: positiveLimit(options.limit ?? 500), offset: options.offset ?? 0 }) as SummaryRow[]
      ).map(toSummary),
    );
  }

  /** The review queue: cells most uncertain first by `metric`, optionally only those not yet reviewed. */
  byUncertainty(
    runIds: number | readonly number[],
    options: { metric?: UncertaintyMetric; limit?: number; offset?: number; unreviewedOnly?: boolean } = {},
  ): CellSummary[] {
    const metric = options.metric ?? 'entropy';
    const order = ORDER_BY[metric];
    if (order === undefined) throw new AppError('VALIDATION_FAILED', `Expected one of ${Object.keys(ORDER_BY).join(', ')} for metric but received ${JSON.stringify(metric)}`);
    return readQuery('list cells by uncertainty', () =>
      (
        prepared(
            this.ctx,
            `SELECT ${SUMMARY} FROM cells c JOIN cell_labels l ON l.cell_id = c.id
             WHERE c.run_id IN (SELECT value FROM json_each(@runs)) AND (@unreviewed = 0 OR l.decision_id IS NULL)
             ORDER BY ${order} LIMIT @limit OFFSET @offset`,
          )
          .all({
            runs: JSON.stringify(toRunList(runIds)),
            unreviewed: options.unreviewedOnly ? 1 : 0,
            limit: positiveLimit(options.limit ?? 500),
            offset: options.offset ?? 0,
          }) as SummaryRow[]
      ).map(toSummary),
    );
  }

  /**
   * Counts of CURRENT labels over the given runs (e.g. both smears of a case): the differential's input.
   * Counted as the predictions (the covering index cells_by_predicted) corrected by the cells that have
   * any review decision, whose current label the derived view gives: the same numbers as grouping the
   * view, without deriving the label of every unreviewed cell on each keystroke (~11× a plain GROUP BY).
   */
  currentLabelCounts(runIds: number | readonly number[]): Record<string, number> {
    return readQuery('count current labels', () => {
      const runs = JSON.stringify(toRunList(runIds));
      const predicted = prepared(this.ctx, 'SELECT predicted_code AS code, count(*) AS n FROM cells WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY predicted_code')
        .all(runs) as { code: string; n: number }[];
      const reviewed = prepared(
        this.ctx,
        `SELECT predicted_code, label_code FROM cell_labels
         WHERE cell_id IN (SELECT DISTINCT cell_id FROM review_decisions) AND run_id IN (SELECT value FROM json_each(?)) AND label_code <> predicted_code`,
      ).all(runs) as { predicted_code: string; label_code: string }[];
      const counts: Record<string, number> = Object.fromEntries(predicted.map((r) => [r.code, r.n]));
      for (const r of reviewed) {
        counts[r.predicted_code] = counts[r.predicted_code]! - 1;
        counts[r.label_code] = (counts[r.label_code] ?? 0) + 1;
      }
      for (const code of Object.keys(counts)) if (counts[code] === 0) delete counts[code];
      return counts;
    });
  }

  /** Number of cells stored for a run. */
  countForRun(runId: number): number {
    return readQuery('count cells', () => prepared(this.ctx, 'SELECT count(*) FROM cells WHERE run_id = ?').pluck().get(runId) as number);
  }

  /** Number of a run's cells with a current review decision (what CellSummary.reviewed says, counted in SQL). */
  reviewedCountForRun(runId: number): number {
    return readQuery('count reviewed cells', () =>
      prepared(this.ctx, 'SELECT count(*) FROM cell_labels WHERE run_id = ? AND decision_id IS NOT NULL').pluck().get(runId) as number,
    );
  }
}

function checkAgainstRun(c: NewCell, i: number, classCodes: readonly string[]): void {
  if (c.probabilities.length !== classCodes.length) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Expected ${classCodes.length} probabilities (the run's classes ${classCodes.join(', ')}) for cells[${i}].probabilities but received ${c.probabilities.length}`,
    );
  }
  if (!classCodes.includes(c.predictedCode)) {
    throw new AppError('VALIDATION_FAILED', `Expected one of the run's classes (${classCodes.join(', ')}) for cells[${i}].predictedCode but received ${JSON.stringify(c.predictedCode)}`);
  }
}

function toRunList(runIds: number | readonly number[]): number[] {
  const list = typeof runIds === 'number' ? [runIds] : [...runIds];
  if (list.length === 0 || !list.every((id) => Number.isInteger(id) && id > 0)) {
    throw new AppError('VALIDATION_FAILED', `Expected one or more analysis run ids (integers ≥ 1) but received ${JSON.stringify(runIds)}`);
  }
  return list;
}

function positiveLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new AppError('VALIDATION_FAILED', `Expected integer ≥ 1 for limit but received ${limit}`);
  return limit;
}

function toSummary(r: SummaryRow): CellSummary {
  return {
    id: r.id,
    runId: r.run_id,
    regionId: r.region_id,
    localIndex: r.local_index,
    centroid: { x: r.x, y: r.y },
    bbox: { x: r.bbox_x, y: r.bbox_y, width: r.bbox_w, height: r.bbox_h },
    predictedCode: r.predicted_code as CellClassCode,
    labelCode: r.label_code as CellClassCode,
    reviewed: r.decision_id !== null,
    entropy: r.entropy,
    mutualInformation: r.mutual_information,
    agreement: r.agreement,
    margin: r.margin,
  };
}
