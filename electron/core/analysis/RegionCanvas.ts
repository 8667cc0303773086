/**
 * A region of the slide held in memory at the model's pixel size: RGB pixels plus where they sit on
 * the slide. Pixel (i, j) of the canvas covers level-0 point (originX + (i + 0.5) · scale, ...).
 */
export interface RegionCanvas {
  /** Interleaved RGB, row-major, width × height × 3 bytes; areas outside the slide are white. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Level-0 x of the canvas's left edge. */
  readonly originX: number;
  /** Level-0 y of the canvas's top edge. */
  readonly originY: number;
  /** Level-0 pixels per canvas pixel (model µm/px ÷ slide µm/px). */
  readonly scale: number;
  /** µm per canvas pixel. */
  readonly micronsPerPixel: number;
}

/** Level-0 coordinates of a canvas pixel position (pixel centres at +0.5). */
export function canvasToLevel0(canvas: RegionCanvas, x: number, y: number): { x: number; y: number } {
  return { x: canvas.originX + x * canvas.scale, y: canvas.originY + y * canvas.scale };
}

/** Canvas pixel position of a level-0 point. */
export function level0ToCanvas(canvas: RegionCanvas, x: number, y: number): { x: number; y: number } {
  return { x: (x - canvas.originX) / canvas.scale, y: (y - canvas.originY) / canvas.scale };
}
