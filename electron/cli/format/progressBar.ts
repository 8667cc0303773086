import type { AnalysisProgress } from '../../core/analysis/AnalysisProgress.js';

/** One line of analysis progress for a terminal: bar, regions, cells and ETA. */
export function progressLine(p: AnalysisProgress, width = 30): string {
  const frac = p.regionsTotal > 0 ? p.regionsDone / p.regionsTotal : 0;
  const filled = Math.round(frac * width);
  const eta = p.etaSeconds === null ? '' : ` ETA ${Math.ceil(p.etaSeconds)} s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.regionsDone}/${p.regionsTotal} regions, ${p.cellsFound} cells${eta}`;
}
