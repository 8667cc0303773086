/** Progress of an analysis run, sent as events to the CLI's progress bar and the UI. */
export interface AnalysisProgress {
  readonly runId: number;
  readonly regionsDone: number;
  readonly regionsTotal: number;
  readonly cellsFound: number;
  readonly cellsClassified: number;
  /** Seconds left at the pace of the regions done in this session; null until one is done. */
  readonly etaSeconds: number | null;
}
