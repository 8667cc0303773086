import { z } from 'zod';
import { AppError } from '../../shared/errors/AppError.js';
import { validate } from '../../shared/errors/validate.js';
import type { AuditLog } from './AuditLog.js';
import type { StoreContext } from './StoreContext.js';
import { prepared, readQuery, writeTransaction } from './StoreContext.js';

/** Patient and case identifiers as the user entered them (printed on reports, part of what is signed). */
export interface CaseDetails {
  readonly caseNumber: string | null;
  readonly patientId: string | null;
  readonly patientName: string | null;
  /** ISO date (YYYY-MM-DD). */
  readonly birthDate: string | null;
  readonly specimen: string | null;
  readonly clinician: string | null;
}

/** A stored entry of case details: the newest is current. */
export interface CaseDetailsRecord extends CaseDetails {
  readonly id: number;
  readonly enteredBy: string;
  readonly enteredAt: string;
}

const text = z.string().trim().min(1).max(500).nullable().optional();
const DETAILS = z.object({
  caseNumber: text,
  patientId: text,
  patientName: text,
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Expected a date as YYYY-MM-DD' }).nullable().optional(),
  specimen: text,
  clinician: text,
});

interface Row {
  id: number;
  case_number: string | null;
  patient_id: string | null;
  patient_name: string | null;
  birth_date: string | null;
  specimen: string | null;
  clinician: string | null;
  entered_by: string;
  entered_at: string;
}

/** Case identifiers: append-only entries; they cannot change while any run's latest report version is signed. */
export class CaseDetailsRepository {
  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /** Records the details (fields left out keep their current value); refused with REPORT_SIGNED while a signed report is current. */
  set(details: Partial<CaseDetails>, actor: string): CaseDetailsRecord {
    const d = validate(DETAILS, details, 'caseDetails');
    return writeTransaction(this.ctx, 'record case details', () => {
      const locked = prepared(this.ctx,
        `SELECT v.run_id FROM report_versions v WHERE v.status = 'signed'
           AND v.version = (SELECT max(w.version) FROM report_versions w WHERE w.run_id = v.run_id) LIMIT 1`,
      ).pluck().get() as number | undefined;
      if (locked !== undefined) {
        throw new AppError('REPORT_SIGNED', `The report of analysis run ${locked} is signed, so the case details printed on it cannot change; open an amendment first`);
      }
      const cur = this.current();
      const next: CaseDetails = {
        caseNumber: pick(d.caseNumber, cur?.caseNumber),
        patientId: pick(d.patientId, cur?.patientId),
        patientName: pick(d.patientName, cur?.patientName),
        birthDate: pick(d.birthDate, cur?.birthDate),
        specimen: pick(d.specimen, cur?.specimen),
        clinician: pick(d.clinician, cur?.clinician),
      };
      const id = Number(
        prepared(this.ctx,
          `INSERT INTO case_details (case_number, patient_id, patient_name, birth_date, specimen, clinician, entered_by, entered_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(next.caseNumber, next.patientId, next.patientName, next.birthDate, next.specimen, next.clinician, actor, this.ctx.now()).lastInsertRowid,
      );
      this.audit.append({ actor, action: 'case.details', entity: `case_details:${id}`, payload: next });
      return this.current() as CaseDetailsRecord;
    });
  }

  /** The current details (newest entry), or null when none were entered. */
  current(): CaseDetailsRecord | null {
    const row = readQuery('read case details', () => prepared(this.ctx, 'SELECT * FROM case_details ORDER BY id DESC LIMIT 1').get() as Row | undefined);
    return row === undefined ? null : toRecord(row);
  }

  /** Every entry, oldest first. */
  history(): CaseDetailsRecord[] {
    return readQuery('read case details', () => (prepared(this.ctx, 'SELECT * FROM case_details ORDER BY id').all() as Row[]).map(toRecord));
  }
}

/** undefined keeps the current value; null clears it. */
function pick(v: string | null | undefined, cur: string | null | undefined): string | null {
  return v === undefined ? (cur ?? null) : v;
}

function toRecord(r: Row): CaseDetailsRecord {
  return {
    id: r.id,
    caseNumber: r.case_number,
    patientId: r.patient_id,
    patientName: r.patient_name,
    birthDate: r.birth_date,
    specimen: r.specimen,
    clinician: r.clinician,
    enteredBy: r.entered_by,
    enteredAt: r.entered_at,
  };
}
