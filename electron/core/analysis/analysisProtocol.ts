import type { ErrorInfo } from '../../shared/errors/AppError.js';
import type { AnalyzedCell } from './AnalyzedCell.js';
import type { AnalysisRegion, RegionTimings } from './analyzeRegion.js';

/** What the analysis worker is started with (workerData). */
export interface AnalysisWorkerInit {
  readonly slidePath: string;
  /** Level-0 µm/px of the slide (the host refuses uncalibrated slides before starting). */
  readonly slideMpp: number;
  readonly manifestPath: string;
  readonly providers?: readonly string[];
  readonly intraOpThreads?: number;
  /** Regions still to do, in order. */
  readonly regions: readonly AnalysisRegion[];
  /** Cells the run may still add (the run's --max-cells minus what is already stored); null = no limit. */
  readonly cellBudget: number | null;
}

/** Worker → host messages. */
export type AnalysisWorkerEvent =
  | { readonly type: 'ready'; readonly provider: string; readonly detector: string; readonly memberCount: number }
  | { readonly type: 'region'; readonly regionId: number; readonly cells: readonly AnalyzedCell[]; readonly truncated: boolean; readonly timings: RegionTimings }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly error: ErrorInfo };

/** Host → worker messages. A worker in its own process gets its init as the first message. */
export type AnalysisHostMessage = { readonly type: 'init'; readonly init: AnalysisWorkerInit } | { readonly type: 'cancel' };
