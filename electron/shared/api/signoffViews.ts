/**
 * Value types of the sign-off, report and audit requests (plain JSON). Passwords never appear in
 * any of them: they travel only inside a request and are checked against a scrypt hash in the host.
 */
import type { Differential } from '../domain/differential/Differential.js';
import type { CellId, RunId } from './ids.js';
import type { RunState } from './views.js';

/** A local reviewer profile (no credential in it). */
export interface ReviewerView {
  readonly reviewerId: string;
  readonly name: string;
  readonly initials: string;
  readonly role: string;
  /** False for a profile that arrived in a case bundle without its password: it cannot sign here. */
  readonly canSign: boolean;
}

/** A second reviewer's different label for one cell. */
export interface DisagreementView {
  readonly cellId: CellId;
  readonly signedCode: string;
  readonly proposedCode: string;
  readonly note: string | null;
}

/** One electronic signature as it is manifested: printed name, time, meaning. */
export interface SignatureView {
  readonly capacity: 'primary' | 'second';
  readonly meaning: 'reviewed' | 'approved';
  readonly printedName: string;
  readonly initials: string;
  readonly role: string;
  readonly signedAt: string;
  readonly snapshotHash: string;
  readonly deferredCells: number;
  readonly overrideReason: string | null;
  readonly disagreements: readonly DisagreementView[];
}

/** A version of a run's report: 1, then amendments; an open version can still change. */
export interface ReportVersionView {
  readonly version: number;
  readonly status: 'open' | 'signed';
  /** Why the amendment was opened (null for version 1). */
  readonly reason: string | null;
  readonly openedBy: string;
  readonly openedAt: string;
  readonly signedAt: string | null;
  readonly signatures: readonly SignatureView[];
}

/** Patient and case identifiers as entered (printed on reports and part of what is signed). */
export interface CaseDetailsView {
  readonly caseNumber: string | null;
  readonly patientId: string | null;
  readonly patientName: string | null;
  /** YYYY-MM-DD. */
  readonly birthDate: string | null;
  readonly specimen: string | null;
  readonly clinician: string | null;
  /** Who entered the current details and when (null before any entry). */
  readonly enteredBy: string | null;
  readonly enteredAt: string | null;
}

/** Where a run stands for sign-off, with its history and who can sign. */
export interface SignoffView {
  readonly runId: RunId;
  readonly runState: RunState;
  /** The latest version is signed: labels are read-only until an amendment is opened. */
  readonly locked: boolean;
  readonly latestVersion: number | null;
  readonly openAmendment: boolean;
  readonly deferredCells: number;
  readonly hasSecondSignature: boolean;
  /** Why a primary signature would be refused now (before the password is checked), or null. */
  readonly blockedReason: string | null;
  readonly versions: readonly ReportVersionView[];
  readonly reviewers: readonly ReviewerView[];
  readonly caseDetails: CaseDetailsView;
  /** Where exports go unless the user picks another folder: "reports" beside the case file. */
  readonly defaultExportDirectory: string | null;
}

/** A representative cell of a category on the report. */
export interface ReportGalleryRow {
  readonly category: string;
  readonly name: string;
  readonly color: string;
  readonly count: number;
  readonly cells: readonly { readonly cellId: CellId; readonly code: string; readonly cropUrl: string }[];
}

/** The report's content as the preview shows it: the same model every format is rendered from. */
export interface ReportPreview {
  readonly runId: RunId;
  /** True when the latest version is signed and verifies; false for a draft. */
  readonly final: boolean;
  readonly generatedAt: string;
  readonly appVersion: string;
  /** The printed version number (null before any signature). */
  readonly version: number | null;
  readonly caseDetails: CaseDetailsView;
  readonly slide: {
    readonly name: string;
    readonly vendor: string;
    readonly width: number;
    readonly height: number;
    /** µm/px, or null when uncalibrated (then no areas in µm are printed). */
    readonly mpp: { readonly x: number; readonly y: number } | null;
    readonly objectivePower: number | null;
    readonly quickHash: string;
  };
  readonly model: { readonly name: string | null; readonly version: string | null; readonly architecture: string | null; readonly manifestHash: string };
  readonly regions: { readonly count: number; readonly manual: number; readonly automatic: number; readonly areaMm2: number | null };
  readonly cellsDetected: number;
  readonly review: { readonly reviewedCells: number; readonly relabelledCells: number; readonly deferredCells: number };
  readonly choice: { readonly blastDefinition: string; readonly meConvention: string };
  readonly differential: Differential;
  readonly gallery: readonly ReportGalleryRow[];
  readonly signatures: readonly SignatureView[];
  readonly disagreements: readonly DisagreementView[];
  readonly audit: { readonly headSeq: number; readonly headHash: string; readonly chainIntact: boolean };
  readonly limitations: readonly string[];
}

/** The export formats: the four report formats and the portable case bundle. */
export type ExportFormat = 'pdf' | 'csv' | 'fhir' | 'geojson' | 'bundle';

/** What an export wrote (each file's sha256 is also in the audit log). */
export interface ExportResult {
  readonly format: ExportFormat;
  /** False for a draft report; a bundle is always a copy of the whole case (true). */
  readonly final: boolean;
  readonly files: readonly { readonly path: string; readonly bytes: number; readonly sha256: string }[];
}

/** One audit-log entry for people. */
export interface AuditEntryView {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  /** One readable line of what changed (cells, labels, signature meaning, files...). */
  readonly summary: string;
  readonly hash: string;
}

/** The audit trail of the case (or of one cell) and whether the chain verifies. */
export interface AuditTrailView {
  /** The cell the trail is restricted to, or null for the whole case. */
  readonly cellId: CellId | null;
  /** Newest last, at most the requested number. */
  readonly entries: readonly AuditEntryView[];
  /** How many entries match before the limit. */
  readonly total: number;
  readonly chain: { readonly ok: boolean; readonly entries: number; readonly firstBrokenSeq: number | null; readonly message: string | null };
  /** Signatures that no longer match what they signed (empty when all verify). */
  readonly signatureProblems: readonly string[];
}
