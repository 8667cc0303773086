/** Pure geometry of a detection outline (an open ring of points): area, perimeter, centroid, shape. */

/** A 2-D point in pixels. */
export interface XY {
  readonly x: number;
  readonly y: number;
}

/** Shoelace area, px² (always ≥ 0, whatever the winding). */
export function outlineArea(ring: readonly XY[]): number {
  let twice = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
}

/** Length of the closed ring, px. */
export function outlinePerimeter(ring: readonly XY[]): number {
  let sum = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    sum += Math.hypot(b.x - a.x, b.y - a.y);
  }
  return ring.length >= 2 ? sum : 0;
}

/** Area centroid of the ring's polygon; the vertex mean for a degenerate (zero-area) ring. */
export function outlineCentroid(ring: readonly XY[]): XY {
  let twice = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    const cross = a.x * b.y - b.x * a.y;
    twice += cross;
    cx += (a.x + b.x) * cross;
    cy += (a.y + b.y) * cross;
  }
  if (Math.abs(twice) < 1e-12) {
    const n = Math.max(1, ring.length);
    return { x: ring.reduce((s, p) => s + p.x, 0) / n, y: ring.reduce((s, p) => s + p.y, 0) / n };
  }
  return { x: cx / (3 * twice), y: cy / (3 * twice) };
}

/** 4π·area / perimeter², clamped to [0, 1]: 1 for a disc, ≈0.785 for a square, lower for lobed shapes. */
export function circularity(area: number, perimeter: number): number {
  if (!(perimeter > 0)) return 0;
  return Math.min(1, (4 * Math.PI * area) / (perimeter * perimeter));
}

/**
 * Maps a point in working-image pixel-edge coordinates (pixel i spans [i, i+1)) to level-0 px:
 * working → input image (÷ scale per axis) → level 0 (× downsample, + origin).
 */
export function workingToLevel0(p: XY, scaleX: number, scaleY: number, origin: { x: number; y: number; downsample: number }): XY {
  return { x: origin.x + (p.x / scaleX) * origin.downsample, y: origin.y + (p.y / scaleY) * origin.downsample };
}

/**
 * √(λ1/λ2) of a pixel region's second-moment matrix from its pixel count and coordinate sums
 * (Σx, Σy, Σx², Σy², Σxy): 1 for a disc, 2 for a 2:1 ellipse. The 1/12 terms are each pixel's own
 * variance, so a single pixel or a one-pixel-wide line stays finite.
 */
export function momentElongation(n: number, sx: number, sy: number, sxx: number, syy: number, sxy: number): number {
  const mx = sx / n;
  const my = sy / n;
  const cxx = sxx / n - mx * mx + 1 / 12;
  const cyy = syy / n - my * my + 1 / 12;
  const cxy = sxy / n - mx * my;
  const tr = cxx + cyy;
  const disc = Math.sqrt(Math.max(0, (cxx - cyy) ** 2 + 4 * cxy * cxy));
  return Math.sqrt((tr + disc) / 2 / Math.max(1e-9, (tr - disc) / 2));
}
