import type { Polygon, Rect } from './geometry.js';

/** Whether a region is an axis-aligned rectangle (QuPath's rectangle tool) or a general polygon. */
export type RoiShape = 'rectangle' | 'polygon';

/** Who drew the region: a person (imported GeoJSON) or the automatic proposer. */
export type RoiSource = 'manual' | 'proposed';

/**
 * A region of interest on a slide in level-0 pixels: one or more polygons (a GeoJSON MultiPolygon
 * keeps its parts), already validated against the slide's bounds.
 */
export interface Roi {
  /** The GeoJSON feature id (QuPath writes a UUID), else `roi-<index>` in input order. */
  readonly id: string;
  /** `properties.name`, or null. */
  readonly name: string | null;
  /** QuPath's `properties.classification.name` (or a plain string classification), or null. */
  readonly classification: string | null;
  readonly source: RoiSource;
  readonly shape: RoiShape;
  /** Open rings (no repeated closing point), level-0 px, inside the slide. */
  readonly polygons: readonly Polygon[];
  /** Bounding box of `polygons`. */
  readonly bounds: Rect;
  /** Area in level-0 px² (holes subtracted). */
  readonly areaPx: number;
  /** True when part of the drawn shape lay outside the slide and was cut off at its edge. */
  readonly clipped: boolean;
}
