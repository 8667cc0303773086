/**
 * One level of a slide's pyramid. Level 0 is full resolution (OpenSlide, QuPath); higher
 * levels are smaller. `downsample` is level-0 pixels per pixel of this level (≥ 1, not always
 * an integer: a 4443-px level 0 over a 2221-px level 1 gives 2.0005...).
 */
export interface Level {
  /** Position in the pyramid: 0 = full resolution. */
  readonly index: number;
  readonly width: number;
  readonly height: number;
  readonly downsample: number;
}
