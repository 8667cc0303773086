/**
 * A detected nucleated cell, in level-0 pixels of the slide (or pixels of a plain image file), as
 * a cell detector returns it. Measurements that carry a physical unit say so in their name.
 */
export interface Detection {
  /** A random UUID; stable once stored (QuPath writes one per object too). */
  readonly id: string;
  /**
   * Centroid of the cell, level-0 px: the nucleus plus the cytoplasm grown around it (what a crop
   * should centre on; an eccentric nucleus sits microns away). The nucleus centroid when no
   * cytoplasm was found (cellAreaUm2 null).
   */
  readonly centroid: { readonly x: number; readonly y: number };
  /** Axis-aligned bounding box of the outline, level-0 px; (x, y) is the top-left corner. */
  readonly bounds: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** Outline of the nucleus (lobes of one cell joined), an OPEN ring (no repeated closing point), level-0 px. */
  readonly outline: readonly { readonly x: number; readonly y: number }[];
  /** A class code once something has classified it; detectors return null. */
  readonly classification: string | null;
  /** Which detector produced it and with which parameters' name, e.g. "romanowsky-classical@1". */
  readonly detector: string;
  readonly measurements: DetectionMeasurements;
}

/** Per-cell measurements (QuPath shows them as a table). Areas in µm², lengths in µm. */
export interface DetectionMeasurements {
  /** Area inside the outline, µm². */
  readonly nucleusAreaUm2: number;
  /** Perimeter of the outline, µm. */
  readonly nucleusPerimeterUm: number;
  /** 4π·area / perimeter², 1 for a disc, lower for lobed or ragged outlines. */
  readonly nucleusCircularity: number;
  /** Area / convex-hull area: low for lobed (segmented) nuclei. */
  readonly nucleusSolidity: number;
  /** Longest / shortest side of the minimum-area bounding rectangle (≥ 1). */
  readonly nucleusElongation: number;
  /** Number of separate dark nuclear pieces joined into this cell (lobes, fragments). */
  readonly nucleusPieces: number;
  /** Estimated whole-cell area (nucleus + cytoplasm) in µm², or null when not estimated. */
  readonly cellAreaUm2: number | null;
  /** Mean sRGB colour (0–255) inside the nucleus outline. */
  readonly meanRed: number;
  readonly meanGreen: number;
  readonly meanBlue: number;
  /** Mean of the detector's nuclear-stain channel inside the outline (optical-density units). */
  readonly meanNuclearStain: number;
}
