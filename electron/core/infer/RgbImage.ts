/** Interleaved 8-bit RGB pixels with their size. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}
