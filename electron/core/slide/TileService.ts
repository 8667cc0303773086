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
 * Where the pixels come from, fastest first (TIFF-based slides, generic-tiff and aperio, with JPEG
 * tiles): a tile that coincides with one stored tile is served as stored; any other tile of such a
 * level is cut from the stored tiles it overlaps with libjpeg-turbo (file read, decode of only the
 * needed rectangles and JPEG encode in one native job; no OpenSlide, no cairo); everything else is
 * read by OpenSlide. Both stored-tile paths are checked once per level against OpenSlide's pixels.
 *
 * Throughput: native reads and decodes run on libuv worker threads and sharp encodes on the same
 * pool, so several tiles in flight keep every core busy; `maxInFlight` caps the work started at once
 * so that stale requests (aborted by the viewer after a pan) are dropped while still queued.
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
import { readStoredJpegLevels, readStoredJpegTiles, storedTileRange, type StoredJpegLevel } from './storedJpegTiles.js';
import { decodeJpegTiles, type JpegPiece, type JpegSource } from '../../../native/lib/index.js';

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
  /**
   * Cut tiles from a TIFF level's stored JPEG tiles with libjpeg-turbo, decoding only the rectangles
   * the tile needs, instead of OpenSlide's read_region (default true). Only where the tile starts
   * on a whole pixel of the level, and once the level's first decoded tile matched OpenSlide's.
   */
  readonly directDecode?: boolean;
}

/** Vendors whose OpenSlide levels are plain TIFF directories (so a stored tile is exactly a level tile). */
const STORED_TILE_VENDORS = new Set(['generic-tiff', 'aperio']);

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
  readonly directDecode: boolean;
  readonly #registry: SlideRegistry;
  readonly #limit: ConcurrencyLimit;
  readonly #grids = new Map<string, DeepZoomGrid>();
  /** Per slide (quick hash): stored JPEG levels by OpenSlide level index. */
  readonly #storedLevels = new Map<string, Promise<(StoredJpegLevel | undefined)[]>>();
  /** Per slide and level: whether a stored tile decoded to OpenSlide's pixels. */
  readonly #storedVerified = new Map<string, Promise<boolean>>();
  #passthroughTiles = 0;
  #directTiles = 0;
  /** Slides (quick hash) whose stored levels are being or have been checked in the background. */
  readonly #prepared = new Set<string>();

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
    this.directDecode = options.directDecode ?? true;
  }

  /** How many tiles were served as stored JPEG bytes (diagnostics, tests). */
  get passthroughTiles(): number {
    return this.#passthroughTiles;
  }

  /** How many tiles were cut from stored JPEG tiles without OpenSlide (diagnostics, tests). */
  get directTiles(): number {
    return this.#directTiles;
  }

  /**
   * The Deep Zoom grid of the slide at `path`. A viewer asks for it first, so this also starts
   * checking the slide's stored JPEG levels against OpenSlide in the background: the first tiles
   * then find their level trusted instead of waiting behind the check.
   */
  async grid(path: string): Promise<DeepZoomGrid> {
    const info = await this.#registry.info(path);
    this.#prepare(path, info);
    return this.#gridOf(info);
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
            if (this.directDecode) {
              const cut = await this.#cutFromStoredTiles(path, info, region, { format, quality, width: src.outWidth, height: src.outHeight });
              if (cut) return cut;
            }
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

  /**
   * Once per slide: verifies each stored JPEG level (both ways of using it) on its first tile, in the
   * background, smallest level first: a viewer opens on the overview and zooms in, so the levels it asks
   * for first are checked first instead of waiting behind the full-resolution level's check.
   */
  #prepare(path: string, info: SlideInfo): void {
    if (this.#prepared.has(info.quickHash) || !(this.jpegPassthrough || this.directDecode)) return;
    this.#prepared.add(info.quickHash);
    void (async () => {
      for (let level = info.levels.length - 1; level >= 0; level--) {
        const stored = await this.#storedLevel(path, info, level);
        if (!stored || storedTileRange(stored, 0, 0).length === 0) continue; // no first tile (sparse): tile requests check their own
        if (this.directDecode) await this.#verified(path, info, 'cut', cutProbe(cutSource(path, stored), level, stored, 0, 0));
        const passable = this.jpegPassthrough && stored.tileWidth === this.tileSize && stored.tileHeight === this.tileSize;
        const [jpeg] = passable ? await readStoredJpegTiles(path, stored, [[0, 0]]) : [];
        if (jpeg) await this.#verified(path, info, 'stored', storedProbe(level, stored, 0, 0, jpeg));
      }
    })().catch(() => undefined); // a failed check only leaves the level to OpenSlide
  }

  /** The stored JPEG of tile (col, row) at OpenSlide `level` when it can stand in for the tile, else undefined. */
  async #storedTile(path: string, info: SlideInfo, level: number, col: number, row: number): Promise<EncodedImage | undefined> {
    const stored = await this.#storedLevel(path, info, level);
    if (!stored || stored.tileWidth !== this.tileSize || stored.tileHeight !== this.tileSize) return undefined;
    const [jpeg] = await readStoredJpegTiles(path, stored, [[col, row]]);
    if (!jpeg || !(await this.#verified(path, info, 'stored', storedProbe(level, stored, col, row, jpeg)))) return undefined;
    this.#passthroughTiles++;
    return jpegImage(jpeg, this.tileSize, this.tileSize);
  }

  /**
   * The tile cut from the stored JPEG tiles that `region` overlaps (each decoded only where needed),
   * then resized and encoded, or undefined where OpenSlide must read it: not a stored JPEG level, a
   * start between level pixels (OpenSlide interpolates there), a missing or damaged stored tile
   * (OpenSlide then reports the error the slide deserves).
   */
  async #cutFromStoredTiles(
    path: string,
    info: SlideInfo,
    region: { x: number; y: number; level: number; width: number; height: number },
    out: { format: ImageFormat; quality: number; width: number; height: number },
  ): Promise<EncodedImage | undefined> {
    const stored = await this.#storedLevel(path, info, region.level);
    if (!stored) return undefined;
    const ds = info.levels[region.level]!.downsample;
    const lx = Math.round(region.x / ds);
    const ly = Math.round(region.y / ds);
    if (Math.abs(lx * ds - region.x) > 1e-6 || Math.abs(ly * ds - region.y) > 1e-6) return undefined;
    if (lx + region.width > stored.width || ly + region.height > stored.height) return undefined;
    const { tileWidth: tw, tileHeight: th } = stored;
    const cells: [number, number][] = [];
    for (let row = Math.floor(ly / th); row * th < ly + region.height; row++) {
      for (let col = Math.floor(lx / tw); col * tw < lx + region.width; col++) cells.push([col, row]);
    }
    const ranges = cells.map(([col, row]) => storedTileRange(stored, col, row));
    if (ranges.some((r) => r.length === 0)) return undefined; // a sparse or damaged TIFF: OpenSlide paints what is missing
    const source = cutSource(path, stored);
    if (!(await this.#verified(path, info, 'cut', cutProbe(source, region.level, stored, ...cells[0]!)))) return undefined;
    const pieces: JpegPiece[] = cells.map(([col, row], i) => {
      const x0 = Math.max(lx, col * tw);
      const y0 = Math.max(ly, row * th);
      const x1 = Math.min(lx + region.width, (col + 1) * tw);
      const y1 = Math.min(ly + region.height, (row + 1) * th);
      return { ...ranges[i]!, sx: x0 - col * tw, sy: y0 - row * th, w: x1 - x0, h: y1 - y0, dx: x0 - lx, dy: y0 - ly };
    });
    const canvas = { width: region.width, height: region.height };
    const native = out.format === 'jpeg' && out.width === region.width && out.height === region.height;
    try {
      const data = await decodeJpegTiles(pieces, native ? { ...canvas, jpeg: { quality: out.quality, background: info.backgroundColor } } : canvas, source);
      this.#directTiles++;
      if (native) return jpegImage(data, region.width, region.height);
      return await encodeRgba(
        { ...canvas, data },
        { format: out.format, quality: out.quality, background: info.backgroundColor, resize: { width: out.width, height: out.height } },
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'SLIDE_READ_FAILED') return undefined;
      throw err;
    }
  }

  /** The stored JPEG tiles of OpenSlide `level` (a TIFF directory of the same size), if it has them. */
  async #storedLevel(path: string, info: SlideInfo, level: number): Promise<StoredJpegLevel | undefined> {
    if (!STORED_TILE_VENDORS.has(info.vendor)) return undefined;
    let levels = this.#storedLevels.get(info.quickHash);
    if (!levels) {
      levels = readStoredJpegLevels(path).then(
        (dirs) => info.levels.map((l) => dirs?.find((d) => d && d.width === l.width && d.height === l.height)),
        () => [],
      );
      this.#storedLevels.set(info.quickHash, levels);
    }
    return (await levels)[level];
  }

  /** Whether a level's stored tiles, decoded one way (`kind`), give OpenSlide's pixels: judged once per level and way, on the first tile asked for. */
  #verified(path: string, info: SlideInfo, kind: 'stored' | 'cut', probe: StoredTileProbe): Promise<boolean> {
    const key = `${info.quickHash}/${probe.level}/${kind}`;
    let verified = this.#storedVerified.get(key);
    if (!verified) {
      verified = this.#decodesLikeOpenSlide(path, info, probe);
      this.#storedVerified.set(key, verified);
    }
    return verified;
  }

  /** Decodes one stored tile and compares it with OpenSlide's read of the same pixels (IDCT rounding may differ by a level or two). */
  async #decodesLikeOpenSlide(path: string, info: SlideInfo, { level, stored, col, row, decode }: StoredTileProbe): Promise<boolean> {
    try {
      // Edge tiles are padded to the full tile size: compare the part inside the level.
      const w = Math.min(stored.tileWidth, stored.width - col * stored.tileWidth);
      const h = Math.min(stored.tileHeight, stored.height - row * stored.tileHeight);
      const ours = await decode(w, h);
      const ds = info.levels[level]!.downsample;
      const ref = await this.#read(path, (s) =>
        s.readRegion({ x: Math.round(col * stored.tileWidth * ds), y: Math.round(row * stored.tileHeight * ds), level, width: w, height: h }),
      );
      let sum = 0;
      for (let i = 0; i < ref.data.length; i += 4) {
        if (ref.data[i + 3] !== 255) return false;
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(ref.data[i + c]! - ours[i + c]!);
          if (d > 4) return false;
          sum += d;
        }
      }
      return sum / (w * h * 3) < 0.5;
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

/**
 * How the cut path reads a level's tiles: from the file on the worker thread, each decoded after the
 * level's JPEGTables, with the colour transform libtiff takes from the Photometric tag.
 */
function cutSource(path: string, stored: StoredJpegLevel): JpegSource {
  return { path, tables: stored.tables, colour: stored.photometric === 2 ? 'rgb' : 'ycbcr' };
}

/** A probe of stored tile (col, row) decoded as the cut path decodes it: its file range, after JPEGTables, colour from Photometric. */
function cutProbe(source: JpegSource, level: number, stored: StoredJpegLevel, col: number, row: number): StoredTileProbe {
  const range = storedTileRange(stored, col, row);
  return { level, stored, col, row, decode: (w, h) => decodeJpegTiles([{ ...range, sx: 0, sy: 0, w, h, dx: 0, dy: 0 }], { width: w, height: h }, source) };
}

/** A probe of a stored tile as browsers decode the passthrough bytes: the standalone stream, colour from its markers. */
function storedProbe(level: number, stored: StoredJpegLevel, col: number, row: number, jpeg: Buffer): StoredTileProbe {
  return { level, stored, col, row, decode: (w, h) => decodeJpegTiles([{ data: jpeg, sx: 0, sy: 0, w, h, dx: 0, dy: 0 }], { width: w, height: h }) };
}

/** One stored tile (col, row) of a level and a way to decode its top-left w × h to RGBA, to check against OpenSlide. */
interface StoredTileProbe {
  readonly level: number;
  readonly stored: StoredJpegLevel;
  readonly col: number;
  readonly row: number;
  readonly decode: (w: number, h: number) => Promise<Buffer>;
}

/** An encoded-image record for JPEG bytes made elsewhere (the native encoder, a stored tile). */
function jpegImage(data: Buffer, width: number, height: number): EncodedImage {
  return { data, format: 'jpeg', contentType: 'image/jpeg', width, height, byteLength: data.byteLength };
}
