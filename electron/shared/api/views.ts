/**
 * The value types the API returns (plain JSON: no classes, no Dates, no Buffers). Coordinates are
 * level-0 pixels of the slide; µm only where a calibration exists (never invented).
 */
import type { CellClass } from '../domain/taxonomy.js';
import type { Differential } from '../domain/differential/Differential.js';
import type { Rect, Point } from '../domain/geometry.js';
import type { ErrorInfo } from '../errors/AppError.js';
import type { CellId, RunId, SlideId } from './ids.js';

/** What OpenSeadragon needs to show a slide through the shared tile URL scheme (see urls.ts). */
export interface TileSourceDescriptor {
  readonly width: number;
  readonly height: number;
  readonly tileSize: number;
  readonly overlap: number;
  /** Deep Zoom levels: 0 = 1×1 px … maxLevel = full resolution. */
  readonly minLevel: number;
  readonly maxLevel: number;
  readonly format: 'jpeg';
  /** Path with `{level}`, `{col}`, `{row}` placeholders, relative to the host's origin. */
  readonly tileUrlTemplate: string;
}

/** A slide opened in this session. */
export interface SlideView {
  readonly slideId: SlideId;
  /** The case store's id of this slide, or null when the host runs without a store. */
  readonly storedSlideId: string | null;
  /** File name shown to the user. */
  readonly name: string;
  readonly path: string;
  readonly vendor: string;
  readonly width: number;
  readonly height: number;
  /** µm per level-0 pixel, or null when the slide has no calibration (then no scale bar and no analysis). */
  readonly mpp: { readonly x: number; readonly y: number } | null;
  readonly objectivePower: number | null;
  readonly levelCount: number;
  readonly tileSource: TileSourceDescriptor;
  readonly thumbnailUrl: string;
}

/** Lifecycle of an analysis run, as the case store records it. */
export type RunState = 'running' | 'completed' | 'failed' | 'cancelled';

/** Live progress of a run (also the analysisProgress event's payload, with its runId). */
export interface AnalysisProgress {
  readonly regionsDone: number;
  readonly regionsTotal: number;
  readonly cellsFound: number;
  readonly cellsClassified: number;
  /** Seconds left by the pipeline's estimate; null until it can estimate. */
  readonly etaSeconds: number | null;
}

/** A run's state and progress. */
export interface AnalysisStatus {
  readonly runId: RunId;
  readonly state: RunState;
  readonly progress: AnalysisProgress;
  readonly error: ErrorInfo | null;
  /** ISO 8601 times. */
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

/** One analysis run as the worklist shows it. */
export interface RunSummary {
  readonly runId: RunId;
  readonly state: RunState;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly cellCount: number;
  readonly reviewedCount: number;
  readonly error: ErrorInfo | null;
}

/** A slide known to the case store, with its runs. */
export interface SlideSummary {
  readonly storedSlideId: string;
  readonly name: string;
  readonly path: string;
  readonly vendor: string;
  readonly width: number;
  readonly height: number;
  readonly mpp: { readonly x: number; readonly y: number } | null;
  /** The session slideId when the slide is open now, else null (open it again by path). */
  readonly openSlideId: SlideId | null;
  readonly runs: readonly RunSummary[];
}

/** A case: the slides of one specimen (the store decides the grouping; one slide per case until cases exist). */
export interface CaseSummary {
  readonly caseId: string;
  readonly name: string;
  readonly slides: readonly SlideSummary[];
}

/** A candidate region for counting, proposed automatically, with the scores behind it. */
export interface RegionProposal {
  readonly regionId: string;
  readonly bounds: Rect;
  /** Overall suitability, higher is better. */
  readonly score: number;
  /** Each component of the score (cell density, separation, ...), named as the proposer names them. */
  readonly components: Readonly<Record<string, number>>;
  /** A short human reason, e.g. "well-spread, cellular". */
  readonly reason: string;
}

/** A reviewer action on a cell. */
export type ReviewAction = 'reclassify' | 'confirm' | 'defer';

/** A cell as galleries and overlays list it. */
export interface CellSummary {
  readonly cellId: CellId;
  readonly runId: RunId;
  /** Centroid, level-0 px. */
  readonly x: number;
  readonly y: number;
  readonly bounds: Rect;
  /** The ensemble's class. */
  readonly predictedCode: string;
  /** The derived current label: the latest standing review decision, else the prediction. */
  readonly currentCode: string;
  /** Normalised entropy of the ensemble's mean probabilities: 0 = certain, 1 = uniform. */
  readonly uncertainty: number;
  /** True once any standing decision (confirm, reclassify or defer) covers the cell. */
  readonly reviewed: boolean;
  readonly lastAction: ReviewAction | null;
  readonly cropUrl: string;
}

/** One entry of a cell's append-only decision log (undo and redo are entries too; nothing is erased). */
export interface DecisionView {
  readonly action: ReviewAction | 'undo' | 'redo';
  /** The label the entry gave the cell; null for an undo (the cell went back to its earlier label). */
  readonly code: string | null;
  readonly reviewer: string;
  readonly at: string;
}

/** Everything about one cell: the ensemble's view of it and its review history. */
export interface CellDetail extends CellSummary {
  /** The ensemble's probability of its class. */
  readonly probability: number;
  /** Every class's mean probability, highest first. */
  readonly probabilities: readonly { readonly code: string; readonly probability: number }[];
  /** Entropy of the mean, nats. */
  readonly entropy: number;
  readonly mutualInformation: number;
  /** Fraction of members agreeing with the ensemble's class. */
  readonly agreement: number;
  readonly margin: number;
  readonly outline: readonly Point[];
  readonly history: readonly DecisionView[];
}

/** A page of cells plus per-code counts of everything matching the filters (for gallery headers). */
export interface CellPage {
  readonly total: number;
  readonly offset: number;
  readonly cells: readonly CellSummary[];
  /** Current-label code → count over all cells matching the filters except the class filter. */
  readonly countsByCode: Readonly<Record<string, number>>;
}

/** What a review action changed: the cells as now stored, and whether undo/redo are possible. */
export interface ReviewResult {
  readonly changed: readonly CellSummary[];
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** The differential after the write, when the request asked for it (else null). */
  readonly differential: DifferentialView | null;
  /** The detail of the cell named in the request's detailOf, after the write (else, or if it cannot be read, null). */
  readonly detail: CellDetail | null;
}

/** The live differential of a run. */
export interface DifferentialView {
  readonly runId: RunId;
  readonly differential: Differential;
  readonly cellsTotal: number;
  readonly reviewedCount: number;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

/** A class the UI can assign, with its hotkey. */
export interface TaxonomyClass extends CellClass {
  /** The single key that assigns this class in the review screens, or null. */
  readonly hotkey: string | null;
}

/** The class list and the order galleries use. */
export interface TaxonomyView {
  readonly classes: readonly TaxonomyClass[];
}

/** One entry of the host's file chooser. */
export interface FileEntry {
  readonly name: string;
  readonly path: string;
  readonly kind: 'directory' | 'slide';
}

/** A directory listing for the open-slide dialog (directories and slide files only). */
export interface DirectoryListing {
  readonly path: string;
  readonly parent: string | null;
  readonly entries: readonly FileEntry[];
  /** Places to start from (data folder, home, ...). */
  readonly roots: readonly FileEntry[];
}

/** About the running host. */
export interface AppInfo {
  readonly version: string;
  readonly host: 'browser' | 'electron';
  readonly reviewer: string;
  readonly storePath: string | null;
  readonly analysisAvailable: boolean;
  readonly regionProposalsAvailable: boolean;
}
