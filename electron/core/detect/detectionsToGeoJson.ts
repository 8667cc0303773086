import type { Detection } from '../../shared/domain/Detection.js';

/** A GeoJSON Feature as QuPath exports a detection object. */
export interface DetectionFeature {
  readonly type: 'Feature';
  readonly id: string;
  readonly geometry: { readonly type: 'Polygon'; readonly coordinates: number[][][] };
  readonly properties: {
    readonly objectType: 'detection';
    readonly classification?: { readonly name: string };
    readonly measurements: Record<string, number | null>;
    readonly detector: string;
  };
}

/** A GeoJSON FeatureCollection of detections. */
export interface DetectionFeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: DetectionFeature[];
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Detections as a QuPath-compatible GeoJSON FeatureCollection: one Feature per cell, `id` its
 * UUID, geometry the outline as a closed Polygon ring in level-0 px, properties.objectType
 * "detection", properties.classification `{name}` when classified, and properties.measurements
 * holding every measurement plus centroidX / centroidY (px) so the centroid survives import.
 */
export function detectionsToGeoJson(detections: readonly Detection[]): DetectionFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: detections.map((d) => {
      const ring = d.outline.map((p) => [round2(p.x), round2(p.y)]);
      if (ring.length > 0) ring.push([...ring[0]!]);
      const measurements: Record<string, number | null> = { centroidX: round2(d.centroid.x), centroidY: round2(d.centroid.y), ...d.measurements };
      return {
        type: 'Feature' as const,
        id: d.id,
        geometry: { type: 'Polygon' as const, coordinates: [ring] },
        properties: {
          objectType: 'detection' as const,
          ...(d.classification ? { classification: { name: d.classification } } : {}),
          measurements,
          detector: d.detector,
        },
      };
    }),
  };
}
