import type { RegionMeasurements, RegionScores } from '../../shared/domain/Roi.js';

/** Where each score component reaches 1 or 0. Densities are per 10,000 µm² (a 100 µm square). */
export interface ScoringParameters {
  /** Coverage is 0 at this glass fraction or more and 1 at `glassFullAt` or less. */
  readonly glassZeroAt: number;
  readonly glassFullAt: number;
  /**
   * Cellularity is d / (d + this), d = nucleated cells per 10,000 µm²: 0.5 at this density, rising
   * ever more slowly, so denser marrow still ranks higher without one number dominating.
   */
  readonly cellularityHalfAt: number;
  /** Separation falls from 1 to 0 as the dark (overlapped) fraction goes from `darkFreeBelow` to `darkZeroAt`. */
  readonly darkFreeBelow: number;
  readonly darkZeroAt: number;
  /** Clumped nuclei above this share of nuclear area cost up to half of separation (crowded marrow clumps a lot at 1 µm/px). */
  readonly clumpFreeBelow: number;
  /** nonBlood reaches 1 when nuclei are at least this share of the stained (nuclear + red-cell) area. */
  readonly nuclearShareFullAt: number;
  /** Focus is 1 at or above this fraction of the reference Laplacian variance (the median of the focus-checked candidates). */
  readonly focusFullAtFractionOfReference: number;
}

/** Defaults for {@link ScoringParameters}, set on SegPC marrow vs PBC blood vs overlapped marrow at 1 µm/px. */
export const DEFAULT_SCORING: ScoringParameters = {
  glassZeroAt: 0.5,
  glassFullAt: 0.1,
  cellularityHalfAt: 10,
  darkFreeBelow: 0.03,
  darkZeroAt: 0.25,
  clumpFreeBelow: 0.6,
  nuclearShareFullAt: 0.3,
  focusFullAtFractionOfReference: 0.35,
};

/** A region's component scores, their product, and the one-line reason shown to the user. */
export interface ScoredRegion {
  readonly scores: RegionScores;
  readonly reason: string;
}

/**
 * Scores a measured region. `focusReference` is the Laplacian variance that counts as sharp on this
 * slide (null: focus not checked, scored 1 and said so). The total is the product of the components,
 * so any one failure (glass, blood, thick, blur) sinks a region however good the rest is.
 */
export function scoreRegion(m: RegionMeasurements, focusReference: number | null, p: ScoringParameters = DEFAULT_SCORING): ScoredRegion {
  const coverage = ramp(m.glassFraction, p.glassZeroAt, p.glassFullAt);
  const d = Math.max(0, m.nucleatedPer10kUm2);
  const cellularity = d / (d + p.cellularityHalfAt);
  const darkPart = ramp(m.darkFraction, p.darkZeroAt, p.darkFreeBelow);
  const clumpPart = 1 - 0.5 * ramp(m.clumpedNuclearFraction, p.clumpFreeBelow, 1);
  const separation = darkPart * clumpPart;
  const stained = m.nuclearFraction + m.redCellFraction;
  const nonBlood = stained > 0 ? clamp01(m.nuclearFraction / stained / p.nuclearShareFullAt) : 0;
  const focus =
    m.laplacianVariance === null || focusReference === null || focusReference <= 0
      ? 1
      : clamp01(m.laplacianVariance / (p.focusFullAtFractionOfReference * focusReference));
  const total = coverage * cellularity * separation * nonBlood * focus;
  const scores = { coverage, cellularity, separation, nonBlood, focus, total };
  return { scores, reason: reasonFor(scores, m) };
}

function reasonFor(s: Omit<RegionScores, 'total'> & { total: number }, m: RegionMeasurements): string {
  const density = `${m.nucleatedPer10kUm2.toFixed(1)} nucleated cells per 10,000 µm²`;
  const focusNote = m.laplacianVariance === null ? 'focus not checked' : s.focus >= 0.8 ? 'in focus' : 'slightly soft';
  if (s.total >= 0.5) return `${density}, ${s.separation >= 0.8 ? 'well separated' : 'partly overlapping'}, ${focusNote}`;
  // Name the first failing component in order of cause: glass, blood or a thick area explain few countable
  // cells, so they are named before cellularity; with none failing outright, the weakest.
  const order = ['coverage', 'separation', 'nonBlood', 'cellularity', 'focus'] as const;
  const cause = order.find((k) => s[k] < 0.5) ?? order.reduce((a, b) => (s[b] < s[a] ? b : a));
  switch (cause) {
    case 'coverage':
      return `mostly empty glass (${pct(m.glassFraction)} glass)`;
    case 'nonBlood':
      return `blood only: red cells with few nucleated cells (${pct(m.redCellFraction)} red cells, ${pct(m.nuclearFraction)} nuclei)`;
    case 'separation':
      return `thick or clotted: cells overlap (${pct(m.darkFraction)} dark, ${pct(m.clumpedNuclearFraction)} of nuclei clumped)`;
    case 'cellularity':
      return `few nucleated cells (${density})`;
    case 'focus':
      return `out of focus (Laplacian variance ${m.laplacianVariance?.toFixed(0) ?? '?'})`;
  }
}

/** 0 at `zeroAt`, 1 at `fullAt`, linear between (either direction). */
function ramp(v: number, zeroAt: number, fullAt: number): number {
  return clamp01((v - zeroAt) / (fullAt - zeroAt));
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function pct(f: number): string {
  return `${Math.round(f * 100)}%`;
}
