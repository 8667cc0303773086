import { classColorOf, hexToRgb } from '../../shared/domain/classColors.js';
import type { CellRecord } from '../store/index.js';

/** A QuPath-compatible detection Feature for a stored cell. */
export interface CellFeature {
  readonly type: 'Feature';
  readonly id: string;
  readonly geometry: { readonly type: 'Polygon'; readonly coordinates: number[][][] };
  readonly properties: {
    readonly objectType: 'detection';
    /** QuPath reads `color` as [r, g, b] (0.3+) and creates the class with it when it is new. */
    readonly classification: { readonly name: string; readonly color: [number, number, number] };
    readonly measurements: Record<string, number>;
    readonly cellId: number;
    readonly predictedCode: string;
    readonly currentCode: string;
    readonly reviewed: boolean;
  };
}

/**
 * Cells as a QuPath-compatible GeoJSON FeatureCollection in level-0 px: outline polygons (the box
 * when no outline was stored), classification = the CURRENT label's code with its colour (shared/domain/classColors), and measurements holding
 * the centroid, uncertainty and one `p_<code>` probability per class so nothing is lost on import.
 */
export function cellsToGeoJson(cells: Iterable<CellRecord>, classCodes: readonly string[]): { type: 'FeatureCollection'; features: CellFeature[] } {
  const features: CellFeature[] = [];
  for (const c of cells) {
    const pts = c.outline && c.outline.length >= 3 ? c.outline : boxRing(c.bbox);
    const ring = pts.map((p) => [r2(p.x), r2(p.y)]);
    ring.push([...ring[0]!]);
    const measurements: Record<string, number> = { centroidX: r2(c.centroid.x), centroidY: r2(c.centroid.y) };
    if (c.entropy !== null) measurements['entropy'] = c.entropy;
    if (c.mutualInformation !== null) measurements['mutualInformation'] = c.mutualInformation;
    if (c.agreement !== null) measurements['agreement'] = c.agreement;
    if (c.margin !== null) measurements['margin'] = c.margin;
    classCodes.forEach((code, i) => (measurements[`p_${code}`] = c.probabilities[i] ?? 0));
    features.push({
      type: 'Feature',
      id: `cell-${c.id}`,
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: {
        objectType: 'detection',
        classification: { name: c.labelCode, color: hexToRgb(classColorOf(c.labelCode)) },
        measurements,
        cellId: c.id,
        predictedCode: c.predictedCode,
        currentCode: c.labelCode,
        reviewed: c.reviewed,
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

function boxRing(b: { x: number; y: number; width: number; height: number }): { x: number; y: number }[] {
  return [{ x: b.x, y: b.y }, { x: b.x + b.width, y: b.y }, { x: b.x + b.width, y: b.y + b.height }, { x: b.x, y: b.y + b.height }];
}
const r2 = (v: number): number => Math.round(v * 100) / 100;
