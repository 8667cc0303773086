import { z } from 'zod';
import type { CalibrationSource, PixelCalibration } from '../../shared/domain/PixelCalibration.js';
import { validate } from '../../shared/errors/validate.js';
import type { AuditLog } from './AuditLog.js';
import { found } from './notFound.js';
import type { StoreContext } from './StoreContext.js';
import { prepared, readQuery, writeTransaction } from './StoreContext.js';

/** A slide to record in the case file: identity, geometry and calibration as read from OpenSlide. */
export interface NewSlide {
  readonly path: string;
  /** Content identity (core/slide/quickHash.ts); the same slide moved elsewhere keeps it. */
  readonly quickHash: string;
  readonly vendor: string;
  /** Level-0 size in pixels. */
  readonly width: number;
  readonly height: number;
  readonly calibration: PixelCalibration;
  readonly objectivePower: number | null;
}

/** A slide as stored. */
export interface SlideRecord extends NewSlide {
  readonly id: number;
  readonly addedAt: string;
}

const NEW_SLIDE = z.object({
  path: z.string().min(1),
  quickHash: z.string().min(1),
  vendor: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  calibration: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('calibrated'), x: z.number().positive(), y: z.number().positive(), source: z.string().min(1) }),
    z.object({ kind: z.literal('uncalibrated') }),
  ]),
  objectivePower: z.number().positive().nullable(),
});

interface Row {
  id: number;
  path: string;
  quick_hash: string;
  vendor: string;
  width: number;
  height: number;
  mpp_x: number | null;
  mpp_y: number | null;
  calibration_source: string | null;
  objective_power: number | null;
  added_at: string;
}

/** The slides of a case (a case may hold several smears). */
export class SlideRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Records a slide, or returns the one already recorded with the same quick hash (adding a slide
   * twice is harmless); when that slide has moved, its path is updated and audited.
   */
  add(slide: NewSlide): SlideRecord {
    const s = validate(NEW_SLIDE, slide, 'slide');
    return writeTransaction(this.ctx, `record slide ${s.path}`, () => {
      const existing = this.findByQuickHash(s.quickHash);
      if (existing !== undefined) {
        if (existing.path === s.path) return existing;
        prepared(this.ctx, 'UPDATE slides SET path = ? WHERE id = ?').run(s.path, existing.id);
        this.audit.append({ action: 'slide.relocate', entity: `slide:${existing.id}`, payload: { from: existing.path, to: s.path } });
        return { ...existing, path: s.path };
      }
      const cal = s.calibration;
      const info = prepared(
          this.ctx,
          `INSERT INTO slides (path, quick_hash, vendor, width, height, mpp_x, mpp_y, calibration_source, objective_power, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          s.path,
          s.quickHash,
          s.vendor,
          s.width,
          s.height,
          cal.kind === 'calibrated' ? cal.x : null,
          cal.kind === 'calibrated' ? cal.y : null,
          cal.kind === 'calibrated' ? cal.source : null,
          s.objectivePower,
          this.ctx.now(),
        );
      const id = Number(info.lastInsertRowid);
      const record = this.get(id);
      this.audit.append({ action: 'slide.add', entity: `slide:${id}`, payload: { ...slide } });
      return record;
    });
  }

  /** The slide with this id, or NOT_FOUND. */
  get(id: number): SlideRecord {
    const row = readQuery('read a slide', () => prepared(this.ctx, 'SELECT * FROM slides WHERE id = ?').get(id) as Row | undefined);
    return toRecord(found(row, 'slide', id));
  }

  /** The slide with this quick hash, if recorded. */
  findByQuickHash(quickHash: string): SlideRecord | undefined {
    const row = readQuery('find a slide', () => prepared(this.ctx, 'SELECT * FROM slides WHERE quick_hash = ?').get(quickHash) as Row | undefined);
    return row === undefined ? undefined : toRecord(row);
  }

  /** Every slide, in the order recorded. */
  list(): SlideRecord[] {
    return readQuery('list slides', () => (prepared(this.ctx, 'SELECT * FROM slides ORDER BY id').all() as Row[]).map(toRecord));
  }
}

function toRecord(r: Row): SlideRecord {
  const calibration: PixelCalibration =
    r.mpp_x !== null && r.mpp_y !== null && r.calibration_source !== null
      ? { kind: 'calibrated', x: r.mpp_x, y: r.mpp_y, source: r.calibration_source as CalibrationSource }
      : { kind: 'uncalibrated' };
  return {
    id: r.id,
    path: r.path,
    quickHash: r.quick_hash,
    vendor: r.vendor,
    width: r.width,
    height: r.height,
    calibration,
    objectivePower: r.objective_power,
    addedAt: r.added_at,
  };
}
