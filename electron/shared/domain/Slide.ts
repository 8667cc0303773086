import type { Level } from './Level.js';
import type { PixelCalibration } from './PixelCalibration.js';

/** What is known about an open slide: everything `marrowscope info` prints, in level-0 pixels. */
export interface SlideInfo {
  /** Absolute path of the slide file as opened. */
  readonly path: string;
  /** OpenSlide's vendor name, e.g. "aperio", "hamamatsu", "generic-tiff". */
  readonly vendor: string;
  /** Level-0 width in pixels. */
  readonly width: number;
  /** Level-0 height in pixels. */
  readonly height: number;
  /** The pyramid, level 0 first. */
  readonly levels: readonly Level[];
  readonly calibration: PixelCalibration;
  /** Objective magnification (`openslide.objective-power`), or null. */
  readonly objectivePower: number | null;
  /** Names of associated images (label, macro, thumbnail, ...). */
  readonly associatedImages: readonly string[];
  /** Content identity (see core/slide/quickHash.ts): sha256 hex over size, head/tail bytes and properties. */
  readonly quickHash: string;
  /** Background as RGB hex ("ffffff" when OpenSlide gives none), painted under transparent areas in tiles. */
  readonly backgroundColor: string;
  /** Every raw OpenSlide property. */
  readonly properties: Readonly<Record<string, string>>;
}
