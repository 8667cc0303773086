import { AppError } from '../../electron/shared/errors/AppError.js';
import { validate } from '../../electron/shared/errors/validate.js';
import type { NativeOpenResult, NativeSlideHandle, OpenslideAddon } from './loadAddon.js';
import { downsampleSchema, nonEmptyString, regionSchema } from './regionSchema.js';
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
  readonly #schema: ReturnType<typeof regionSchema>;

  constructor(
    addon: OpenslideAddon,
    readonly path: string,
    opened: NativeOpenResult,
  ) {
    this.#addon = addon;
    this.#handle = opened.handle;
    this.vendor = opened.vendor;
    this.levels = Object.freeze(opened.levels.map((l) => Object.freeze({ ...l })));
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
      const data = await this.#addon.readRegion(this.#handle, r.x, r.y, r.level, r.width, r.height);
      return { width: r.width, height: r.height, data };
    } catch (err) {
      throw toAppError(err, `Reading region (${r.x}, ${r.y}) ${r.width}×${r.height} at level ${r.level} of ${this.path}`);
    }
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
