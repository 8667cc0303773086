import { z } from 'zod';
import type { Rect } from '../../shared/domain/geometry.js';
import { AppError } from '../../shared/errors/AppError.js';
import { validate } from '../../shared/errors/validate.js';
import type { AuditLog } from './AuditLog.js';
import { found } from './notFound.js';
import type { StoreContext } from './StoreContext.js';
import { prepared, readQuery, writeTransaction } from './StoreContext.js';

/** A GeoJSON Polygon in level-0 pixels (x right, y down); rings as GeoJSON writes them. */
export interface GeoJsonPolygon {
  readonly type: 'Polygon';
  readonly coordinates: readonly (readonly (readonly [number, number])[])[];
}

/** A region to analyse, planned before any cell is detected in it. */
export interface NewRegion {
  /** Position in the run's processing order (0, 1, ...); unique within the run. */
  readonly orderIndex: number;
  readonly geometry: GeoJsonPolygon;
  readonly source: 'manual' | 'automatic';
  /** Quality measures (adequacy class, focus variance, ...), when known at planning time. */
  readonly quality?: Readonly<Record<string, unknown>> | null;
}

/** A region as stored. `done` regions hold all their cells (committed with them, see CellRepository.insertBatch). */
export interface RegionRecord {
  readonly id: number;
  readonly runId: number;
  readonly orderIndex: number;
  readonly geometry: GeoJsonPolygon;
  /** Bounding box of the geometry, level-0 pixels. */
  readonly bounds: Rect;
  readonly source: 'manual' | 'automatic';
  readonly quality: Readonly<Record<string, unknown>> | null;
  readonly status: 'pending' | 'done';
  readonly cellCount: number | null;
  readonly completedAt: string | null;
}

const POSITION = z.tuple([z.number().finite(), z.number().finite()]);
const NEW_REGION = z.object({
  orderIndex: z.number().int().min(0),
  geometry: z.object({
    type: z.literal('Polygon'),
    coordinates: z.array(z.array(POSITION).min(3)).min(1),
  }),
  source: z.enum(['manual', 'automatic']),
  quality: z.record(z.string(), z.unknown()).nullable().optional(),
});

interface Row {
  id: number;
  run_id: number;
  order_index: number;
  geometry: string;
  min_x: number;
  min_y: number;
  max_x: number;
  max_y: number;
  source: 'manual' | 'automatic';
  quality: string | null;
  status: 'pending' | 'done';
  cell_count: number | null;
  completed_at: string | null;
}

/** The regions of an analysis run, in processing order; pending ones are what a resumed run still has to do. */
export class RegionRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /** Plans regions for a running run in one transaction (one audit entry); order indexes must be new. */
  addMany(runId: number, regions: readonly NewRegion[]): RegionRecord[] {
    const list = validate(z.array(NEW_REGION), regions, 'regions');
    const seen = new Set<number>();
    for (const r of list) {
      if (seen.has(r.orderIndex)) throw new AppError('VALIDATION_FAILED', `Expected distinct orderIndex values for regions but received ${r.orderIndex} twice`);
      seen.add(r.orderIndex);
    }
    return writeTransaction(this.ctx, `record regions of analysis run ${runId}`, () => {
      const status = prepared(this.ctx, 'SELECT status FROM analysis_runs WHERE id = ?').pluck().get(runId) as string | undefined;
      if (found(status, 'analysis run', runId) !== 'running') {
        throw new AppError('VALIDATION_FAILED', `Expected analysis run ${runId} to be running but it is ${status}; regions cannot be added`);
      }
      const insert = prepared(
        this.ctx,
        `INSERT INTO regions (run_id, order_index, geometry, min_x, min_y, max_x, max_y, source, quality)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const ids = list.map((r) => {
        const b = boundsOf(r.geometry as GeoJsonPolygon);
        const info = insert.run(runId, r.orderIndex, JSON.stringify(r.geometry), b.x, b.y, b.x + b.width, b.y + b.height, r.source, r.quality ? JSON.stringify(r.quality) : null);
        return Number(info.lastInsertRowid);
      });
      this.audit.append({
        action: 'regions.add',
        entity: `run:${runId}`,
        payload: { regionIds: ids, orderIndexes: list.map((r) => r.orderIndex) },
      });
      return ids.map((id) => this.get(id));
    });
  }

  /** Records quality measures of a pending region (a done region cannot change). */
  setQuality(regionId: number, quality: Readonly<Record<string, unknown>>): RegionRecord {
    const q = validate(z.record(z.string(), z.unknown()), quality, 'quality');
    return writeTransaction(this.ctx, `record the quality of region ${regionId}`, () => {
      if (this.get(regionId).status !== 'pending') {
        throw new AppError('VALIDATION_FAILED', `Expected region ${regionId} to be pending but it is done; a completed region cannot change`);
      }
      prepared(this.ctx, 'UPDATE regions SET quality = ? WHERE id = ?').run(JSON.stringify(q), regionId);
      this.audit.append({ action: 'region.quality', entity: `region:${regionId}`, payload: q });
      return this.get(regionId);
    });
  }

  /** The region with this id, or NOT_FOUND. */
  get(id: number): RegionRecord {
    const row = readQuery('read a region', () => prepared(this.ctx, 'SELECT * FROM regions WHERE id = ?').get(id) as Row | undefined);
    return toRecord(found(row, 'region', id));
  }

  /** Every region of a run, in processing order. */
  list(runId: number): RegionRecord[] {
    return readQuery('list regions', () =>
      (prepared(this.ctx, 'SELECT * FROM regions WHERE run_id = ? ORDER BY order_index').all(runId) as Row[]).map(toRecord),
    );
  }

  /** Regions of a run not yet done, in processing order: what a resumed run still has to analyse. */
  pending(runId: number): RegionRecord[] {
    return readQuery('list pending regions', () =>
      (prepared(this.ctx, "SELECT * FROM regions WHERE run_id = ? AND status = 'pending' ORDER BY order_index").all(runId) as Row[]).map(toRecord),
    );
  }

  /** How far a run has got: regions planned and done, and cells stored. */
  progress(runId: number): { regions: number; done: number; cells: number } {
    return readQuery('read run progress', () => {
      const r = prepared(this.ctx, "SELECT count(*) AS regions, count(*) FILTER (WHERE status = 'done') AS done, coalesce(sum(cell_count), 0) AS cells FROM regions WHERE run_id = ?")
        .get(runId) as { regions: number; done: number; cells: number };
      return r;
    });
  }
}

/** Bounding box of a polygon's positions. */
export function boundsOf(geometry: GeoJsonPolygon): Rect {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const ring of geometry.coordinates) {
    for (const [x, y] of ring) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

function toRecord(r: Row): RegionRecord {
  return {
    id: r.id,
    runId: r.run_id,
    orderIndex: r.order_index,
    geometry: JSON.parse(r.geometry) as GeoJsonPolygon,
    bounds: { x: r.min_x, y: r.min_y, width: r.max_x - r.min_x, height: r.max_y - r.min_y },
    source: r.source,
    quality: r.quality === null ? null : (JSON.parse(r.quality) as Record<string, unknown>),
    status: r.status,
    cellCount: r.cell_count,
    completedAt: r.completed_at,
  };
}
