/**
 * Deep Zoom tiles, thumbnails and associated images of slides, as JPEG or PNG.
 *
 * Tiles: a Deep Zoom grid of `tileSize`-px tiles (default 256, overlap 0; overlap 1 is supported)
 * with the geometry of openslide-python's DeepZoomGenerator (see shared/domain/DeepZoom.ts): each
 * tile is read from the best OpenSlide level, painted on the slide's background colour and
 * resampled (Lanczos-3) by the residual downsample; edge tiles are cropped to the image. JPEG q80
 * by default. Encoded tiles live in a byte-budgeted TileCache keyed by the slide's quick hash, so
 * a renamed file keeps its tiles and two paths to one file share them.
 *
 * Throughput: OpenSlide reads run on libuv worker threads and sharp encodes on the same pool,
 * so several tiles in flight keep every core busy; `maxInFlight` caps the work started at once so
 * that stale requests (aborted by the viewer after a pan) are dropped while still queued.
 */
import { availableParallelism } from 'node:os';
import {
  deepZoomGrid,
  dziXml,
  dzLevelForSize,
  tileSource,
  type DeepZoomGrid,
} from '../../shared/domain/DeepZoom.js';
import type { SlideInfo } from '../../shared/domain/Slide.js';
import { validateTileRequest, type ImageFormat, type TileRequest } from '../../shared/domain/TileRequest.js';
import { MAX_REGION_PIXELS } from '../../shared/domain/RegionRequest.js';
import { AppError } from '../../shared/errors/AppError.js';
import { ConcurrencyLimit } from './ConcurrencyLimit.js';
import { encodeRgba, type EncodedImage } from './encodeImage.js';
import type { SlideLease, SlideRegistry } from './SlideRegistry.js';
import { TileCache } from './TileCache.js';
import { readStoredJpegLevels, readStoredJpegTile, type StoredJpegLevel } from './storedJpegTiles.js';
import sharp from 'sharp';

/** Tile service settings. */
export interface TileServiceOptions {
  /** Tile edge in pixels, overlap excluded (default 256). */
  readonly tileSize?: number;
  /** Pixels each tile shares with its neighbours (default 0). */
  readonly overlap?: number;
  /** Default JPEG quality (default 80). */
  readonly quality?: number;
  /** Byte budget of the tile cache (default 256 MiB); ignored when `cache` is given. */
  readonly cacheBytes?: number;
  /** A cache to use (e.g. shared between services). */
  readonly cache?: TileCache<EncodedImage>;
  /** Most tiles read + encoded at once (default 2 × available cores). */
  readonly maxInFlight?: number;
  /**
   * Serve a JPEG tile that coincides with one stored tile of a TIFF pyramid level as stored (default
   * true; see storedJpegTiles.ts). Such tiles keep the scanner's JPEG quality instead of `quality`.
   */
  readonly jpegPassthrough?: boolean;
  /**
   * Encode JPEG tiles that need no resampling in the native addon, right after the read (default
   * true): no RGBA copy into JS and no libvips pipeline per tile. False uses sharp for every tile.
   */
  readonly nativeJpeg?: boolean;
}

/** Vendors whose OpenSlide levels are plain TIFF directories (so a stored tile is exactly a level tile). */
const PASSTHROUGH_VENDORS = new Set(['generic-tiff', 'aperio']);

/** Per-call options. */
export interface TileCallOptions {
  /** Abort to stop waiting; work not yet started is dropped when no other caller wants it. */
  readonly signal?: AbortSignal;
}

export type { EncodedImage } from './encodeImage.js';

/** Serves Deep Zoom tiles (and thumbnails, associated images) of slides opened through a SlideRegistry. */
export class TileService {
  readonly tileSize: number;
  readonly overlap: number;
  readonly quality: number;
  readonly cache: TileCache<EncodedImage>;
  readonly jpegPassthrough: boolean;
  readonly nativeJpeg: boolean;
  readonly #registry: SlideRegistry;
  readonly #limit: ConcurrencyLimit;
  readonly #grids = new Map<string, DeepZoomGrid>();
  /** Per slide (quick hash): stored JPEG levels by OpenSlide level index. */
  readonly #storedLevels = new Map<string, Promise<(StoredJpegLevel | undefined)[]>>();
  /** Per slide and level: whether a stored tile decoded to OpenSlide's pixels. */
  readonly #storedVerified = new Map<string, Promise<boolean>>();
  #passthroughTiles = 0;

  constructor(registry: SlideRegistry, options: TileServiceOptions = {}) {
    this.#registry = registry;
    this.tileSize = options.tileSize ?? 256;
    this.overlap = options.overlap ?? 0;
    this.quality = options.quality ?? 80;
    if (!Number.isInteger(this.quality) || this.quality < 1 || this.quality > 100) {
      throw new AppError('VALIDATION_FAILED', `Expected integer 1..100 for tiles.quality but received ${this.quality}`);
    }
    deepZoomGrid(1, 1, this.tileSize, this.overlap); // validates tileSize and overlap
    this.cache = options.cache ?? new TileCache<EncodedImage>(options.cacheBytes ?? 256 * 1024 * 1024);
    this.#limit = new ConcurrencyLimit(options.maxInFlight ?? Math.max(2, 2 * availableParallelism()));
    this.jpegPassthrough = options.jpegPassthrough ?? true;
    this.nativeJpeg = options.nativeJpeg ?? true;
  }

  /** How many tiles were served as stored JPEG bytes (diagnostics, tests). */
  get passthroughTiles(): number {
    return this.#passthroughTiles;
  }

  /** The Deep Zoom grid of the slide at `path`. */
  async grid(path: string): Promise<DeepZoomGrid> {
    return this.#gridOf(await this.#registry.info(path));
  }

  /** The DZI descriptor (XML) of the slide at `path`, for OpenSeadragon. */
  async dzi(path: string, format: ImageFormat = 'jpeg'): Promise<string> {
    return dziXml(await this.grid(path), format);
  }

  /** One encoded tile. Throws VALIDATION_FAILED for a tile outside the grid, the registry's codes for the slide. */
  async tile(path: string, request: TileRequest, options: TileCallOptions = {}): Promise<EncodedImage> {
    const req = validateTileRequest(request);
    const format = req.format ?? 'jpeg';
    const quality = format === 'jpeg' ? (req.quality ?? this.quality) : 0;
    return this.#withInfo(path, options, (info, signal) => {
      const grid = this.#gridOf(info);
      const src = tileSource(grid, info.levels, req.dzLevel, req.col, req.row);
      const key = `${info.quickHash}/t${this.tileSize}o${this.overlap}/${req.dzLevel}/${req.col}_${req.row}.${format}${quality}`;
      return this.cache.getOrCreate(
        key,
        (abandoned) =>
          this.#limit.run(async () => {
            const aligned =
              format === 'jpeg' &&
              src.residualDownsample === 1 &&
              [src.outWidth, src.outHeight, src.width, src.height].every((n) => n === this.tileSize);
            if (aligned && this.jpegPassthrough && this.overlap === 0) {
              const stored = await this.#storedTile(path, info, src.level, req.col, req.row);
              if (stored) return stored;
            }
            const region = { x: src.x, y: src.y, level: src.level, width: src.width, height: src.height };
            if (format === 'jpeg' && this.nativeJpeg && src.outWidth === src.width && src.outHeight === src.height) {
              const jpeg = await this.#read(path, (s) => s.readRegionJpeg(region, { quality, background: info.backgroundColor }));
              if (jpeg) return jpegImage(jpeg, src.width, src.height);
            }
            const pixels = await this.#read(path, (s) => s.readRegion(region));
            return encodeRgba(pixels, {
              format,
              quality,
              background: info.backgroundColor,
              resize: { width: src.outWidth, height: src.outHeight },
            });
          }, abandoned),
        signal,
      );
    });
  }

  /**
   * A thumbnail whose larger side is at most `maxSize` px, rendered from the pyramid (the Deep Zoom
   * level just above that size, read at its best OpenSlide level), so memory stays bounded.
   */
  async thumbnail(path: string, maxSize = 512, format: ImageFormat = 'jpeg', options: TileCallOptions = {}): Promise<EncodedImage> {
    if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > 8192) {
      throw new AppError('VALIDATION_FAILED', `Expected integer 1..8192 for thumbnail.maxSize but received ${maxSize}`);
    }
    return this.#withInfo(path, options, (info, signal) => {
      const { width, height } = info;
      const whole = deepZoomGrid(width, height, Math.max(width, height), 0);
      const dzLevel = dzLevelForSize(whole, Math.min(maxSize, Math.max(width, height)));
      const src = tileSource(whole, info.levels, dzLevel, 0, 0);
      if (src.width * src.height > MAX_REGION_PIXELS) {
        throw new AppError(
          'SLIDE_READ_FAILED',
          `A ${maxSize}-px thumbnail would need a ${src.width}×${src.height} read at level ${src.level}: the slide has no smaller pyramid level`,
        );
      }
      const scale = Math.min(1, maxSize / Math.max(width, height));
      const out = { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
      const key = `${info.quickHash}/thumb${maxSize}.${format}`;
      return this.cache.getOrCreate(
        key,
        (abandoned) =>
          this.#limit.run(async () => {
            const pixels = await this.#read(path, (s) => s.readRegion({ x: 0, y: 0, level: src.level, width: src.width, height: src.height }));
            return encodeRgba(pixels, { format, quality: this.quality, background: info.backgroundColor, resize: out });
          }, abandoned),
        signal,
      );
    });
  }

  /** An associated image (label, macro, thumbnail) encoded as PNG (alpha kept) or JPEG. NOT_FOUND for an unknown name. */
  async associatedImage(path: string, name: string, format: ImageFormat = 'png', options: TileCallOptions = {}): Promise<EncodedImage> {
    return this.#withInfo(path, options, (info, signal) => {
      const key = `${info.quickHash}/assoc/${encodeURIComponent(name)}.${format}`;
      return this.cache.getOrCreate(
        key,
        (abandoned) =>
          this.#limit.run(async () => {
            const pixels = await this.#read(path, (s) => s.readAssociatedImage(name));
            return encodeRgba(pixels, format === 'jpeg' ? { format, quality: this.quality, background: info.backgroundColor } : { format });
          }, abandoned),
        signal,
      );
    });
  }

  async #withInfo<T>(path: string, options: TileCallOptions, fn: (info: SlideInfo, signal?: AbortSignal) => Promise<T>): Promise<T> {
    options.signal?.throwIfAborted();
    return fn(await this.#registry.info(path), options.signal);
  }

  /**
   * Reads under a lease of its own: a shared computation may outlive the caller that started it
   * (that caller aborted, others still wait), so it must not borrow that caller's lease.
   */
  #read<T>(path: string, fn: (slide: SlideLease) => Promise<T>): Promise<T> {
    return this.#registry.use(path, fn);
  }

  /** The stored JPEG of tile (col, row) at OpenSlide `level` when it can stand in for the tile, else undefined. */
  async #storedTile(path: string, info: SlideInfo, level: number, col: number, row: number): Promise<EncodedImage | undefined> {
    if (!PASSTHROUGH_VENDORS.has(info.vendor)) return undefined;
    let levels = this.#storedLevels.get(info.quickHash);
    if (!levels) {
      levels = readStoredJpegLevels(path).then(
        (dirs) =>
          info.levels.map((l) =>
            dirs?.find((d) => d && d.width === l.width && d.height === l.height && d.tileWidth === this.tileSize && d.tileHeight === this.tileSize),
          ),
        () => [],
      );
      this.#storedLevels.set(info.quickHash, levels);
    }
    const stored = (await levels)[level];
    if (!stored) return undefined;
    const jpeg = await readStoredJpegTile(path, stored, col, row);
    if (!jpeg) return undefined;
    const key = `${info.quickHash}/${level}`;
    let verified = this.#storedVerified.get(key);
    if (!verified) {
      verified = this.#decodesLikeOpenSlide(path, jpeg, level, col, row);
      this.#storedVerified.set(key, verified);
    }
    if (!(await verified)) return undefined;
    this.#passthroughTiles++;
    return jpegImage(jpeg, this.tileSize, this.tileSize);
  }

  /** Decodes one stored tile and compares it with OpenSlide's read of the same pixels (IDCT rounding may differ by a level or two). */
  async #decodesLikeOpenSlide(path: string, jpeg: Buffer, level: number, col: number, row: number): Promise<boolean> {
    try {
      const size = this.tileSize;
      const ours = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      if (ours.info.width !== size || ours.info.height !== size || ours.info.channels !== 3) return false;
      const ds = (await this.#registry.info(path)).levels[level]!.downsample;
      const ref = await this.#read(path, (s) => s.readRegion({ x: Math.round(col * size * ds), y: Math.round(row * size * ds), level, width: size, height: size }));
      let sum = 0;
      for (let i = 0, j = 0; i < ref.data.length; i += 4, j += 3) {
        if (ref.data[i + 3] !== 255) return false;
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(ref.data[i + c]! - ours.data[j + c]!);
          if (d > 4) return false;
          sum += d;
        }
      }
      return sum / (size * size * 3) < 0.5;
    } catch {
      return false;
    }
  }

  #gridOf(info: SlideInfo): DeepZoomGrid {
    let grid = this.#grids.get(info.quickHash);
    if (!grid) {
      grid = deepZoomGrid(info.width, info.height, this.tileSize, this.overlap);
      this.#grids.set(info.quickHash, grid);
    }
    return grid;
  }
}

/** An encoded-image record for JPEG bytes made elsewhere (the native encoder, a stored tile). */
function jpegImage(data: Buffer, width: number, height: number): EncodedImage {
  return { data, format: 'jpeg', contentType: 'image/jpeg', width, height, byteLength: data.byteLength };
}
