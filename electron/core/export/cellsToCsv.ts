import type { CellRecord } from '../store/index.js';

const HEAD = ['cell_id', 'region_id', 'index_in_region', 'centroid_x', 'centroid_y', 'bbox_x', 'bbox_y', 'bbox_width', 'bbox_height', 'predicted_code', 'current_code', 'reviewed', 'entropy', 'mutual_information', 'agreement', 'margin'];

/** One CSV row per cell (level-0 px), its predicted and current label, uncertainty, then one probability column per class code (`p_<code>`). */
export function cellsToCsv(cells: Iterable<CellRecord>, classCodes: readonly string[]): string {
  const lines = [[...HEAD, ...classCodes.map((c) => `p_${c}`)].join(',')];
  for (const c of cells) {
    const row = [
      c.id, c.regionId, c.localIndex, round(c.centroid.x), round(c.centroid.y), round(c.bbox.x), round(c.bbox.y), round(c.bbox.width), round(c.bbox.height),
      c.predictedCode, c.labelCode, c.reviewed ? 1 : 0, num(c.entropy), num(c.mutualInformation), num(c.agreement), num(c.margin),
      ...Array.from(c.probabilities, (p) => p.toFixed(6)),
    ];
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

const round = (v: number): string => String(Math.round(v * 100) / 100);
const num = (v: number | null): string => (v === null ? '' : v.toFixed(6));
