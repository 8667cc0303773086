import { z } from 'zod';
import type { Result } from '../errors/Result.js';
import * as s from './requests.js';
import type {
  AnalysisStatus,
  AppInfo,
  CaseSummary,
  CellDetail,
  CellPage,
  DifferentialView,
  DirectoryListing,
  RegionProposal,
  ReviewResult,
  SlideSummary,
  SlideView,
  TaxonomyView,
} from './views.js';
import type { AuditTrailView, CaseDetailsView, ExportResult, ReportPreview, ReviewerView, SignoffView } from './signoffViews.js';
import { idSchema } from './ids.js';
import type { ErrorInfo } from '../errors/AppError.js';

/**
 * THE contract: every request the renderer can make, in one map (GitHub Desktop's ipc-shared.ts
 * pattern). Each entry pairs the runtime schema of its payload with the TypeScript type of its
 * response; every host (Electron IPC, the HTTP host) and the renderer's api.ts are generic over
 * this map, so adding an entry here is the only way to add a call, and the completeness test
 * checks that every host serves every entry.
 */
export interface ContractEntry<S extends z.ZodType, R> {
  readonly request: S;
  readonly summary: string;
  /** Phantom: carries the response type; never set at run time. */
  readonly response?: R;
}

function entry<R>() {
  return <S extends z.ZodType>(request: S, summary: string): ContractEntry<S, R> => ({ request, summary });
}

/** Request name → payload schema and response type. */
export const contract = {
  getAppInfo: entry<AppInfo>()(s.emptySchema, 'About the host: version, reviewer, what is available'),
  getTaxonomy: entry<TaxonomyView>()(s.emptySchema, 'The cell classes with their hotkeys'),
  listCases: entry<readonly CaseSummary[]>()(s.emptySchema, 'The worklist: cases with their slides and runs'),
  listSlides: entry<readonly SlideSummary[]>()(s.listSlidesSchema, 'Slides known to the case store (optionally of one case)'),
  browseFiles: entry<DirectoryListing>()(s.browseFilesSchema, 'A directory listing for the open-slide dialog'),
  openSlide: entry<SlideView>()(s.openSlideSchema, 'Opens a slide file and assigns it a session slideId'),
  getSlide: entry<SlideView>()(s.slideRefSchema, 'A slide opened in this session'),
  closeSlide: entry<{ readonly closed: boolean }>()(s.slideRefSchema, 'Forgets a slideId: its tiles are no longer served'),
  proposeRegions: entry<readonly RegionProposal[]>()(s.proposeRegionsSchema, 'Automatic counting regions with their scores'),
  startAnalysis: entry<AnalysisStatus>()(s.startAnalysisSchema, 'Starts detection and classification on regions'),
  cancelAnalysis: entry<AnalysisStatus>()(s.runRefSchema, 'Cancels a running analysis'),
  getAnalysisStatus: entry<AnalysisStatus>()(s.runRefSchema, 'State and progress of a run'),
  listCells: entry<CellPage>()(s.listCellsSchema, 'Cells of a run: filtered, by viewport, ordered, paged'),
  getCell: entry<CellDetail>()(s.cellRefSchema, 'One cell with its probabilities and history'),
  reclassify: entry<ReviewResult>()(s.reclassifySchema, 'Assigns a class to cells (one decision each, one undo step)'),
  confirm: entry<ReviewResult>()(s.cellsActionSchema, 'Confirms the current label of cells'),
  defer: entry<ReviewResult>()(s.cellsActionSchema, 'Marks cells "decide later" (blocks signing)'),
  undo: entry<ReviewResult>()(s.reviewStepSchema, 'Undoes the last review step of a run (as a new decision)'),
  redo: entry<ReviewResult>()(s.reviewStepSchema, 'Redoes the last undone review step of a run'),
  getDifferential: entry<DifferentialView>()(s.differentialSchema, 'The live ICSH differential of a run'),
  getSignoff: entry<SignoffView>()(s.runRefSchema, 'Sign-off state of a run: versions, signatures, reviewers, case details'),
  addReviewer: entry<readonly ReviewerView[]>()(s.addReviewerSchema, 'Adds a local reviewer profile (password kept only as a slow salted hash)'),
  setCaseDetails: entry<CaseDetailsView>()(s.setCaseDetailsSchema, 'Records patient and case identifiers for the reports'),
  signReport: entry<SignoffView>()(s.signReportSchema, 'Signs the differential (password re-entered) and locks the run'),
  secondSign: entry<SignoffView>()(s.secondSignSchema, "An independent second reviewer's signature, with disagreements"),
  amendReport: entry<SignoffView>()(s.amendReportSchema, 'Opens an amendment of a signed report (the signed version is kept)'),
  previewReport: entry<ReportPreview>()(s.previewReportSchema, 'The content of the final or draft report, as every format prints it'),
  exportReport: entry<ExportResult>()(s.exportReportSchema, 'Writes a report (PDF, CSV, FHIR, GeoJSON) or a case bundle and audits it'),
  getAuditTrail: entry<AuditTrailView>()(s.auditTrailSchema, 'Who changed what and when, for the case or one cell, and whether the chain verifies'),
} as const;

/** The contract's type. */
export type Contract = typeof contract;
/** Any request name. */
export type RequestName = keyof Contract;
/** The payload a request takes (as its schema accepts it). */
export type RequestOf<K extends RequestName> = z.input<Contract[K]['request']>;
/** The payload after validation (defaults applied). */
export type ValidRequestOf<K extends RequestName> = z.output<Contract[K]['request']>;
/** What a request answers on success. */
export type ResponseOf<K extends RequestName> = NonNullable<Contract[K]['response']>;
/** What every call resolves to. */
export type ResultOf<K extends RequestName> = Result<ResponseOf<K>>;

/** Every request name, in contract order. */
export const REQUEST_NAMES = Object.keys(contract) as RequestName[];

/** True when `name` is a request of the contract. */
export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

const progressFields = {
  regionsDone: z.number().int().min(0),
  regionsTotal: z.number().int().min(0),
  cellsFound: z.number().int().min(0),
  cellsClassified: z.number().int().min(0),
  etaSeconds: z.number().min(0).nullable(),
};

/** Event name → payload schema. Hosts push these (IPC send / Server-Sent Events). */
export const events = {
  analysisProgress: z.object({ runId: idSchema, ...progressFields }),
  analysisFinished: z.object({
    runId: idSchema,
    state: z.enum(['completed', 'failed', 'cancelled']),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  }),
  /** The desktop app's File ▸ Open (a native dialog in the main process) chose a slide: the renderer opens it like its own dialog does. */
  openSlideRequested: z.object({ path: z.string().min(1).max(4096) }),
} as const;

/** Any event name. */
export type EventName = keyof typeof events;
/** An event's payload. */
export type EventOf<K extends EventName> = z.output<(typeof events)[K]> & (K extends 'analysisFinished' ? { error: ErrorInfo | null } : unknown);

/** Every event name. */
export const EVENT_NAMES = Object.keys(events) as EventName[];
