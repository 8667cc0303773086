/**
 * Focus measure: variance of the 4-neighbour Laplacian of the grey image (Pech-Pacheco et al. 2000;
 * DeepHeme's region check). Sharp edges give large second derivatives; blur flattens them.
 * Grey = Rec. 601 luma of straight RGBA (4 bytes/px) or RGB (3 bytes/px). Border pixels are skipped.
 */
export function varianceOfLaplacian(data: Uint8Array, width: number, height: number, channels: 3 | 4): number {
  if (width < 3 || height < 3) return 0;
  const grey = new Float32Array(width * height);
  for (let p = 0, i = 0; p < grey.length; p++, i += channels) {
    grey[p] = 0.299 * (data[i] as number) + 0.587 * (data[i + 1] as number) + 0.114 * (data[i + 2] as number);
  }
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x;
      const lap = (grey[p - 1] as number) + (grey[p + 1] as number) + (grey[p - width] as number) + (grey[p + width] as number) - 4 * (grey[p] as number);
      sum += lap;
      sum2 += lap * lap;
      n++;
    }
  }
  const mean = sum / n;
  return sum2 / n - mean * mean;
}
