import { AppError } from '../../electron/shared/errors/AppError.js';
import { validate } from '../../electron/shared/errors/validate.js';
import type { NativeOpenResult, NativeSlideHandle, OpenslideAddon } from './loadAddon.js';
import { downsampleRgba } from './downsampleRgba.js';
import { downsampleSchema, jpegQualitySchema, MAX_REGION_BYTES, nonEmptyString, regionSchema, rgbHexSchema } from './regionSchema.js';
import { toAppError } from './toAppError.js';
import type { AssociatedImageInfo, LevelInfo, OpenSlideHandle, RegionRead, RgbaImage } from './types.js';

/** An open slide: validated, AppError-throwing methods over the addon's handle. Made by openSlide(). */
export class OpenSlideFile implements OpenSlideHandle {
  readonly vendor: string;
  readonly levels: readonly LevelInfo[];
  readonly properties: Readonly<Record<string, string>>;
  readonly associatedImages: readonly AssociatedImageInfo[];
  readonly associatedImageNames: readonly string[];
  readonly #addon: OpenslideAddon;
  readonly #handle: NativeSlideHandle;
  readonly resampledLevels: readonly number[];
  readonly #schema: ReturnType<typeof regionSchema>;
  /** Levels [0, #readable) are read by OpenSlide; the rest are resampled from the last of those. */
  readonly #readable: number;

  constructor(
    addon: OpenslideAddon,
    readonly path: string,
    opened: NativeOpenResult,
    readableLevels: number,
  ) {
    this.#addon = addon;
    this.#handle = opened.handle;
    this.vendor = opened.vendor;
    this.levels = Object.freeze(opened.levels.map((l) => Object.freeze({ ...l })));
    this.#readable = Math.max(1, Math.min(readableLevels, this.levels.length));
    this.resampledLevels = Object.freeze(this.levels.map((_, i) => i).filter((i) => i >= this.#readable));
    this.properties = Object.freeze({ ...opened.properties });
    this.associatedImages = Object.freeze(opened.associatedImages.map((a) => Object.freeze({ ...a })));
    this.associatedImageNames = Object.freeze(opened.associatedImages.map((a) => a.name));
    this.#schema = regionSchema(this.levels.length);
  }

  get closed(): boolean {
    return this.#addon.isClosed(this.#handle);
  }

  bestLevelForDownsample(downsample: number): number {
    this.#assertOpen();
    const d = validate(downsampleSchema, downsample, 'downsample');
    return this.#call(() => this.#addon.bestLevelForDownsample(this.#handle, d));
  }

  async readRegion(request: RegionRead): Promise<RgbaImage> {
    this.#assertOpen();
    const r = validate(this.#schema, request, 'region');
    try {
      if (r.level < this.#readable) {
        return { width: r.width, height: r.height, data: await this.#addon.readRegion(this.#handle, r.x, r.y, r.level, r.width, r.height) };
      }
      return await this.#readResampled(r);
    } catch (err) {
      throw toAppError(err, `Reading region (${r.x}, ${r.y}) ${r.width}×${r.height} at level ${r.level} of ${this.path}`);
    }
  }

  async readRegionJpeg(request: RegionRead, options: { readonly quality: number; readonly background: string }): Promise<Buffer | null> {
    this.#assertOpen();
    const r = validate(this.#schema, request, 'region');
    const quality = validate(jpegQualitySchema, options.quality, 'quality');
    const bg = validate(rgbHexSchema, options.background, 'background');
    if (r.level >= this.#readable) return null;
    try {
      return await this.#addon.readRegionJpeg(this.#handle, r.x, r.y, r.level, r.width, r.height, quality, parseInt(bg.slice(0, 2), 16), parseInt(bg.slice(2, 4), 16), parseInt(bg.slice(4, 6), 16));
    } catch (err) {
      throw toAppError(err, `Reading region (${r.x}, ${r.y}) ${r.width}×${r.height} at level ${r.level} of ${this.path} as JPEG`);
    }
  }

  /** A level OpenSlide 3.4.1 cannot decode (see readableLevelCount), made from the smallest level it can. */
  async #readResampled(r: RegionRead): Promise<RgbaImage> {
    const source = this.#readable - 1;
    const ratio = this.levels[r.level]!.downsample / this.levels[source]!.downsample;
    const sw = Math.ceil(r.width * ratio);
    const sh = Math.ceil(r.height * ratio);
    if (sw * sh * 4 > MAX_REGION_BYTES) {
      throw new AppError('VALIDATION_FAILED', `Expected a smaller region at level ${r.level}: it is resampled from level ${source} and would need ${sw}×${sh} pixels`);
    }
    const src = await this.#addon.readRegion(this.#handle, r.x, r.y, source, sw, sh);
    return { width: r.width, height: r.height, data: downsampleRgba(src, sw, sh, r.width, r.height, ratio) };
  }

  async readAssociatedImage(name: string): Promise<RgbaImage> {
    this.#assertOpen();
    validate(nonEmptyString, name, 'associatedImage.name');
    if (!this.associatedImageNames.includes(name)) {
      const known = this.associatedImageNames.length ? this.associatedImageNames.join(', ') : 'none';
      throw new AppError('VALIDATION_FAILED', `Expected an associated image name (${known}) but received ${JSON.stringify(name)}`);
    }
    try {
      return await this.#addon.readAssociatedImage(this.#handle, name);
    } catch (err) {
      throw toAppError(err, `Reading associated image "${name}" of ${this.path}`);
    }
  }

  close(): void {
    this.#addon.close(this.#handle);
  }

  #assertOpen(): void {
    if (this.closed) throw new AppError('SLIDE_CLOSED', `The slide ${this.path} is closed`);
  }

  #call<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toAppError(err, this.path);
    }
  }
}
