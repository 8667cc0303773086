/** Post-watershed merging rules, pure TypeScript: undo splits that were not two nuclei. */

/** Union–find over labels 0..n-1. */
class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(a: number): number {
    while (this.parent[a] !== a) {
      this.parent[a] = this.parent[this.parent[a]!]!;
      a = this.parent[a]!;
    }
    return a;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Merges adjacent watershed regions whose shared boundary is nearly as deep as the shallower of the
 * two peaks (pass ≥ fraction × min(peakA, peakB)): that is a notch in one nucleus, not the neck
 * between two. `peaks[label]` is the distance-transform depth of each region's seed.
 * `deep` (optional) uses another fraction where the shallower peak is at least `minPeak`: two
 * big round nuclei pressed together (crowded marrow plasma cells and precursors) leave only a
 * faint neck, whereas small blood nuclei with shallow peaks are mostly one lobed or notched cell.
 * Returns the relabelled image with labels renumbered 1..k, and k + 1.
 */
export function mergeShallowSplits(
  labels: Int32Array,
  dist: Float32Array,
  peaks: Float32Array,
  W: number,
  H: number,
  fraction: number,
  deep?: { readonly minPeak: number; readonly fraction: number },
): { labels: Int32Array; count: number } {
  const n = peaks.length;
  const passes = new Map<number, number>();
  const note = (a: number, b: number, d: number) => {
    const key = a < b ? a * n + b : b * n + a;
    if ((passes.get(key) ?? -1) < d) passes.set(key, d);
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const a = labels[i]!;
      if (a <= 0) continue;
      if (x + 1 < W) {
        const b = labels[i + 1]!;
        if (b > 0 && b !== a) note(a, b, Math.min(dist[i]!, dist[i + 1]!));
      }
      if (y + 1 < H) {
        const b = labels[i + W]!;
        if (b > 0 && b !== a) note(a, b, Math.min(dist[i]!, dist[i + W]!));
      }
    }
  }
  const uf = new UnionFind(n);
  for (const [key, pass] of passes) {
    const a = Math.floor(key / n);
    const b = key % n;
    const shallower = Math.min(peaks[a]!, peaks[b]!);
    const f = deep && shallower >= deep.minPeak ? deep.fraction : fraction;
    if (pass >= f * shallower) uf.union(a, b);
  }
  return renumber(labels, n, (l) => uf.find(l));
}

/** Renumbers labels through `root` to 1..k (0 stays 0), in order of first appearance. */
export function renumber(labels: Int32Array, n: number, root: (label: number) => number): { labels: Int32Array; count: number } {
  const map = new Int32Array(n).fill(-1);
  let next = 1;
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l <= 0) continue;
    const r = root(l);
    if (map[r] === -1) map[r] = next++;
    out[i] = map[r]!;
  }
  return { labels: out, count: next };
}

/**
 * Groups small regions that lie close together into one cell: the lobes of a segmented
 * neutrophil or eosinophil come out as separate pieces. `group[label]` is a grouping of the
 * small regions computed by the caller (components of the dilated small-region mask); a group is
 * merged only when its total area stays within `maxGroupArea` (a lobed nucleus, not a cluster of
 * small cells). Returns the relabelled image (1..k) and k + 1.
 */
export function mergeLobes(
  labels: Int32Array,
  count: number,
  areas: Float64Array,
  group: Int32Array,
  maxGroupArea: number,
): { labels: Int32Array; count: number } {
  const groupArea = new Map<number, number>();
  const groupFirst = new Map<number, number>();
  for (let l = 1; l < count; l++) {
    const g = group[l]!;
    if (g <= 0) continue;
    groupArea.set(g, (groupArea.get(g) ?? 0) + areas[l]!);
    if (!groupFirst.has(g)) groupFirst.set(g, l);
  }
  return renumber(labels, count, (l) => {
    const g = group[l]!;
    return g > 0 && (groupArea.get(g) ?? Infinity) <= maxGroupArea ? groupFirst.get(g)! : l;
  });
}
