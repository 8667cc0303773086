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

/** Suitability of a candidate region for counting, each component 0..1 (1 = best); `total` is their product. */
export interface RegionScores {
  /** Smear rather than empty glass. */
  readonly coverage: number;
  /** Enough nucleated cells per area (dark-purple nuclei counted as connected components). */
  readonly cellularity: number;
  /** Cells lie apart: not a thick particle or clot (dark, overlapping, clumped nuclei). */
  readonly separation: number;
  /** Not blood only: nuclei rather than red cells dominate the stained area. */
  readonly nonBlood: number;
  /** Sharp: variance of the Laplacian at full resolution, relative to the slide's best candidates. */
  readonly focus: number;
  readonly total: number;
}

/** What the scores were computed from, in µm-based units so they compare across scanners. */
export interface RegionMeasurements {
  /** Fractions of the region's area (at the analysis resolution). */
  readonly glassFraction: number;
  readonly nuclearFraction: number;
  readonly darkFraction: number;
  readonly redCellFraction: number;
  /** Nuclear components (≥ the minimum nucleus area), clumps counted by area. */
  readonly nucleatedCells: number;
  readonly nucleatedPer10kUm2: number;
  /** Share of nuclear area in components larger than a single nucleus. */
  readonly clumpedNuclearFraction: number;
  /** Variance of the Laplacian of the full-resolution grey sample, or null when focus was not checked. */
  readonly laplacianVariance: number | null;
}

/** An automatically proposed region: a tile in level-0 px with the scores that put it there and why. */
export interface RegionProposal {
  /** `proposal-<rank>`. */
  readonly id: string;
  /** 1 = best. */
  readonly rank: number;
  readonly rect: Rect;
  readonly scores: RegionScores;
  readonly measurements: RegionMeasurements;
  /** One short human-readable line, e.g. "14.2 nucleated cells per 10,000 µm², well separated, in focus". */
  readonly reason: string;
}
