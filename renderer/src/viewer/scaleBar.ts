/** A "nice" scale-bar length (1, 2 or 5 × 10^n µm) that spans about `targetPx` screen pixels. */
export function scaleBarLength(micronsPerScreenPixel: number, targetPx = 120): { microns: number; pixels: number; label: string } {
  const raw = micronsPerScreenPixel * targetPx;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * pow >= raw * 0.6) ?? 10;
  const microns = step * pow;
  const label = microns >= 1000 ? `${microns / 1000} mm` : `${microns >= 1 ? microns : microns.toPrecision(1)} µm`;
  return { microns, pixels: microns / micronsPerScreenPixel, label };
}
