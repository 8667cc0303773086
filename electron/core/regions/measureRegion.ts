import type { RegionMeasurements } from '../../shared/domain/Roi.js';
import type { StainThresholds } from './classifyStain.js';
import { classifyStain, DEFAULT_STAIN_THRESHOLDS, STAIN } from './classifyStain.js';
import { connectedComponents } from './connectedComponents.js';

/** Sizes of a nucleus in µm², for counting nuclear components. */
export interface NucleusSizes {
  /** Smaller components are platelets, granules or noise (a platelet is 2–3 µm across). Default 12 µm². */
  readonly minAreaUm2: number;
  /** A typical nucleus (≈ 8 µm across). Larger components are overlapping nuclei, counted as area / this. Default 50 µm². */
  readonly typicalAreaUm2: number;
  /** Components above this are clumps (overlap) rather than one large nucleus. Default 150 µm². */
  readonly clumpAreaUm2: number;
}

/** Defaults for {@link NucleusSizes}. */
export const DEFAULT_NUCLEUS_SIZES: NucleusSizes = { minAreaUm2: 12, typicalAreaUm2: 50, clumpAreaUm2: 150 };

/**
 * Measures one region from pixels at a moderate resolution (µm per px `mpp`): stain class fractions,
 * and nucleated cells as connected components of the nuclear class. `laplacianVariance` is left null
 * (focus needs full resolution; see proposeRegions).
 */
export function measureRegion(
  rgba: Uint8Array,
  width: number,
  height: number,
  mpp: number,
  sizes: NucleusSizes = DEFAULT_NUCLEUS_SIZES,
  thresholds: StainThresholds = DEFAULT_STAIN_THRESHOLDS,
): RegionMeasurements {
  const stain = classifyStain(rgba, width, height, 4, thresholds);
  const mask = new Uint8Array(stain.classes.length);
  for (let i = 0; i < mask.length; i++) mask[i] = stain.classes[i] === STAIN.nuclear ? 1 : 0;
  const pxArea = mpp * mpp;
  let cells = 0;
  let nuclearArea = 0;
  let clumpedArea = 0;
  for (const c of connectedComponents(mask, width, height)) {
    const area = c.area * pxArea;
    if (area < sizes.minAreaUm2) continue;
    nuclearArea += area;
    if (area > sizes.clumpAreaUm2) {
      clumpedArea += area;
      cells += area / sizes.typicalAreaUm2;
    } else {
      cells += 1;
    }
  }
  const regionUm2 = width * height * pxArea;
  return {
    glassFraction: stain.glassFraction,
    nuclearFraction: stain.nuclearFraction,
    darkFraction: stain.darkFraction,
    redCellFraction: stain.redCellFraction,
    nucleatedCells: cells,
    nucleatedPer10kUm2: regionUm2 > 0 ? (cells * 10_000) / regionUm2 : 0,
    clumpedNuclearFraction: nuclearArea > 0 ? clumpedArea / nuclearArea : 0,
    laplacianVariance: null,
  };
}
