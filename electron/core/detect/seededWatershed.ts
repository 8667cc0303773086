/**
 * Marker-controlled watershed by priority flooding (Meyer's algorithm), in pure TypeScript.
 * Used instead of cv.watershed because that one needs a competing background marker, which eats
 * into the objects at their edges, and leaves one-pixel boundary lines (−1) between them.
 */

/** Priority resolution: priorities are bucketed in steps of 1/8 (distance-transform pixels). */
const LEVELS_PER_UNIT = 8;
const MAX_LEVEL = 8191;

/**
 * Grows the labelled pixels of `labels` (> 0, modified in place) into the pixels where `allowed`
 * is non-zero, highest `priority` first (ties in arrival order), 4-connected. A pixel takes the
 * label of the neighbour that reached it first; the flood level never rises, so a basin is
 * filled from its own seed before it spills over a ridge (the watershed property).
 */
export function seededWatershed(labels: Int32Array, priority: Float32Array, allowed: Uint8Array, W: number, H: number): Int32Array {
  const buckets: number[][] = [];
  const heads: number[] = [];
  let cur = 0;
  const level = (p: number) => Math.max(0, Math.min(MAX_LEVEL, Math.floor(p * LEVELS_PER_UNIT)));
  const queued = new Uint8Array(W * H);
  const push = (j: number, b: number) => {
    (buckets[b] ??= []).push(j);
    heads[b] ??= 0;
  };
  const visit = (i: number, j: number) => {
    if (queued[j] || !allowed[j]) return;
    queued[j] = 1;
    labels[j] = labels[i]!;
    push(j, Math.min(level(priority[j]!), cur));
  };
  const expand = (i: number) => {
    const x = i % W;
    if (x > 0) visit(i, i - 1);
    if (x < W - 1) visit(i, i + 1);
    if (i >= W) visit(i, i - W);
    if (i < W * (H - 1)) visit(i, i + W);
  };
  const seeds: number[] = [];
  for (let i = 0; i < W * H; i++) {
    if (labels[i]! > 0) {
      queued[i] = 1;
      seeds.push(i);
    }
  }
  cur = MAX_LEVEL;
  // Expand from the seed list, not by rescanning labels: expand() labels pixels as it goes.
  for (const i of seeds) expand(i);
  for (cur = MAX_LEVEL; cur >= 0; cur--) {
    const q = buckets[cur];
    if (!q) continue;
    // expand() may append to this same bucket while we walk it.
    while (heads[cur]! < q.length) expand(q[heads[cur]!++]!);
  }
  return labels;
}

/**
 * Multi-source breadth-first growth: labelled pixels (> 0) spread into `allowed` pixels, 4-connected,
 * at most `maxSteps` pixels of path length from where they started; the first label to arrive wins.
 * Modifies `labels` in place.
 */
export function growBreadthFirst(labels: Int32Array, allowed: Uint8Array, W: number, H: number, maxSteps: number): Int32Array {
  let frontier: number[] = [];
  for (let i = 0; i < W * H; i++) if (labels[i]! > 0) frontier.push(i);
  for (let step = 1; step <= maxSteps && frontier.length > 0; step++) {
    const next: number[] = [];
    const visit = (i: number, j: number) => {
      if (labels[j]! !== 0 || !allowed[j]) return;
      labels[j] = labels[i]!;
      next.push(j);
    };
    for (const i of frontier) {
      const x = i % W;
      if (x > 0) visit(i, i - 1);
      if (x < W - 1) visit(i, i + 1);
      if (i >= W) visit(i, i - W);
      if (i < W * (H - 1)) visit(i, i + W);
    }
    frontier = next;
  }
  return labels;
}
