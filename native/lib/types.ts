/**
 * The typed surface of the OpenSlide addon (native/lib). Coordinates are level-0 pixels,
 * as in OpenSlide; pixel buffers are straight (un-premultiplied) RGBA, row-major, 4 bytes/px.
 */

/** Width and height in pixels. */
export interface Dimensions {
  readonly width: number;
  readonly height: number;
}

/** One level of the pyramid as OpenSlide reports it. */
export interface LevelInfo extends Dimensions {
  readonly downsample: number;
}

/** Pixels read from a slide: straight RGBA. */
export interface RgbaImage extends Dimensions {
  readonly data: Buffer;
}

/** An associated image (label, macro, thumbnail) and its size. */
export interface AssociatedImageInfo extends Dimensions {
  readonly name: string;
}

/** A region to read: (x, y) is the top-left in level-0 pixels; width/height are in pixels of `level`. */
export interface RegionRead {
  readonly x: number;
  readonly y: number;
  readonly level: number;
  readonly width: number;
  readonly height: number;
}

/** An open OpenSlide handle. Every method throws AppError (SLIDE_CLOSED after close, SLIDE_READ_FAILED on latched errors). */
export interface OpenSlideHandle {
  readonly path: string;
  /** openslide_detect_vendor result, e.g. "aperio", "hamamatsu", "generic-tiff". */
  readonly vendor: string;
  /** The pyramid as OpenSlide reports it, level 0 (full resolution) first. */
  readonly levels: readonly LevelInfo[];
  /**
   * Levels whose pixels readRegion makes by area-averaging the smallest level OpenSlide decodes
   * correctly: OpenSlide 3.4.1 with libtiff 4.5 returns garbage for non-JPEG TIFF levels smaller
   * than one tile. Usually empty; e.g. [2, 3] for a vips-made deflate pyramid. (Optional so that
   * test fakes of this interface need not list it; openSlide() always sets it.)
   */
  readonly resampledLevels?: readonly number[];
  readonly properties: Readonly<Record<string, string>>;
  readonly associatedImageNames: readonly string[];
  /** The associated images with their sizes, in OpenSlide's order. */
  readonly associatedImages: readonly AssociatedImageInfo[];
  /** Best level for a downsample factor (openslide_get_best_level_for_downsample). */
  bestLevelForDownsample(downsample: number): number;
  /** Reads a region off the JS thread (N-API AsyncWorker). */
  readRegion(request: RegionRead): Promise<RgbaImage>;
  /**
   * Reads a region and encodes it as a baseline JPEG (4:2:0) in the same native worker, partly
   * transparent pixels composited over `background` (RGB hex): a tile without an RGBA round trip
   * through JS and an image library. Null for a level readRegion resamples (see resampledLevels):
   * use readRegion there. Optional so that test fakes of this interface need not provide it.
   */
  readRegionJpeg?(request: RegionRead, options: { readonly quality: number; readonly background: string }): Promise<Buffer | null>;
  /** Reads an associated image (label, macro, thumbnail) off the JS thread. */
  readAssociatedImage(name: string): Promise<RgbaImage>;
  /**
   * Closes the handle. Idempotent and never blocks: reads already running finish normally and the
   * last one frees the OpenSlide handle; reads still queued reject SLIDE_CLOSED.
   */
  close(): void;
  readonly closed: boolean;
}
