/**
 * What the API handlers need from the rest of the core, as narrow interfaces ("ports"). The hosts
 * wire the real parts (SlideRegistry/TileService, the case store, the analysis pipeline, the
 * region proposer); unit tests of the handler logic may pass small fakes. Keeping the handlers on
 * ports is also what lets the same handlers serve Electron IPC and HTTP.
 */
import type { SlideInfo } from '../../shared/domain/Slide.js';
import type { DeepZoomGrid } from '../../shared/domain/DeepZoom.js';
import type {
  AnalysisStatus,
  CellDetail,
  CellPage,
  RegionProposal,
  ReviewAction,
  ReviewResult,
  RunSummary,
  SlideSummary,
} from '../../shared/api/views.js';
import type { CellFilters, DifferentialOptionsInput, RegionInput } from '../../shared/api/requests.js';
import type { AuditTrailView, CaseDetailsView, ExportFormat, ExportResult, ReportPreview, ReviewerView, SignoffView } from '../../shared/api/signoffViews.js';
import type { Rect } from '../../shared/domain/geometry.js';

/** Slide pixels: SlideRegistry + TileService satisfy it (see slidePortFrom). */
export interface SlidePort {
  /** Opens (or reuses) the slide; throws SLIDE_NOT_FOUND / SLIDE_UNSUPPORTED_FORMAT / SLIDE_READ_FAILED. */
  info(path: string): Promise<SlideInfo>;
  grid(path: string): Promise<DeepZoomGrid>;
  tile(path: string, dzLevel: number, col: number, row: number, signal?: AbortSignal): Promise<EncodedPixels>;
  thumbnail(path: string, signal?: AbortSignal): Promise<EncodedPixels>;
}

/** An encoded image ready to send. */
export interface EncodedPixels {
  readonly data: Uint8Array;
  readonly contentType: string;
}

/** A cell query as the store runs it (validated, defaults filled). */
export interface CellQuery {
  readonly runId: string;
  readonly filters: CellFilters;
  readonly bounds: Rect | null;
  readonly order: 'uncertain-first' | 'position';
  readonly limit: number;
  readonly offset: number;
}

/** A run as the store holds it. */
export interface RunRecord extends RunSummary {
  readonly storedSlideId: string;
}

/** The case store as the review API uses it. Every write is one transaction, audited, append-only. */
export interface CaseStorePort {
  /** Path of the database file (shown in About). */
  readonly path: string;
  /** Records the slide (idempotent by content hash; a moved file updates its path); returns its stored id. */
  recordSlide(info: SlideInfo): string;
  /** Every stored slide with its runs, newest first. */
  listSlides(): readonly Omit<SlideSummary, 'openSlideId'>[];
  /** NOT_FOUND for an unknown run. */
  getRun(runId: string): RunRecord;
  /** Cells without crop URLs (the handler adds them). */
  listCells(query: CellQuery): Omit<CellPage, 'cells'> & { readonly cells: readonly Omit<CellPage['cells'][number], 'cropUrl'>[] };
  /** NOT_FOUND for an unknown cell. */
  getCell(cellId: string): Omit<CellDetail, 'cropUrl'>;
  /** The stored JPEG crop, or null when the cell has none. NOT_FOUND for an unknown cell. */
  getCrop(cellId: string): Uint8Array | null;
  /** Appends one decision per cell as ONE undo step; NOT_FOUND when a cell is not in the run. */
  recordDecisions(runId: string, cellIds: readonly string[], action: ReviewAction, code: string | null, reviewer: string): StoreReviewResult;
  /** Undoes the latest standing step of the run (new decisions); NOT_FOUND "nothing to undo" when none. */
  undo(runId: string, reviewer: string): StoreReviewResult;
  redo(runId: string, reviewer: string): StoreReviewResult;
  /** Current-label counts of the run, with totals, and whether `reviewer` can undo/redo. */
  labelCounts(runId: string, reviewer: string): { readonly counts: ReadonlyMap<string, number>; readonly cellsTotal: number; readonly reviewedCount: number; readonly canUndo: boolean; readonly canRedo: boolean };
}

/** A review result before crop URLs are added. */
export type StoreReviewResult = Omit<ReviewResult, 'changed' | 'differential' | 'detail'> & { readonly changed: readonly Omit<ReviewResult['changed'][number], 'cropUrl'>[] };

/** What starting a run needs. */
export interface AnalysisStart {
  readonly slidePath: string;
  readonly slide: SlideInfo;
  readonly storedSlideId: string;
  readonly regions: readonly RegionInput[];
}

/** The analysis pipeline as the API drives it; it reports through the ApiEvents it was given. */
export interface AnalysisPort {
  start(request: AnalysisStart): Promise<AnalysisStatus>;
  cancel(runId: string): Promise<AnalysisStatus>;
  status(runId: string): AnalysisStatus;
}

/** The automatic region proposer. */
export interface RegionProposerPort {
  propose(slidePath: string, slide: SlideInfo, limit: number): Promise<readonly RegionProposal[]>;
}

/** Sign-off, reports and the audit trail over the case store (see signoffPortFrom). */
export interface SignoffPort {
  status(runId: string): SignoffView;
  addReviewer(profile: { name: string; initials: string; role: string; password: string }): Promise<readonly ReviewerView[]>;
  setCaseDetails(details: Partial<Omit<CaseDetailsView, 'enteredBy' | 'enteredAt'>>, actor: string): CaseDetailsView;
  sign(request: SignRequest): Promise<SignoffView>;
  secondSign(request: SecondSignRequest): Promise<SignoffView>;
  amend(request: { runId: string; initials: string; password: string; reason: string }): Promise<SignoffView>;
  preview(runId: string, options: { draft: boolean } & DifferentialOptionsInput): ReportPreview;
  export(request: ExportRequest, actor: string): Promise<ExportResult>;
  auditTrail(query: { cellId?: string | undefined; actionPrefix?: string | undefined; limit?: number | undefined }): AuditTrailView;
}

/** A primary signature request as validated. */
export interface SignRequest extends DifferentialOptionsInput {
  readonly runId: string;
  readonly initials: string;
  readonly password: string;
  readonly meaning: 'reviewed' | 'approved';
  readonly overrideReason?: string | undefined;
}

/** A second reviewer's signature request as validated. */
export interface SecondSignRequest {
  readonly runId: string;
  readonly initials: string;
  readonly password: string;
  readonly meaning: 'reviewed' | 'approved';
  readonly disagreements?: readonly { cellId: string; code: string; note?: string | undefined }[] | undefined;
}

/** An export request as validated. */
export interface ExportRequest extends DifferentialOptionsInput {
  readonly runId: string;
  readonly format: ExportFormat;
  readonly draft: boolean;
  readonly directory?: string | undefined;
  readonly fileName?: string | undefined;
}
