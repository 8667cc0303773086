/**
 * Open slides by path, shared: one OpenSlide handle per file however many callers use it
 * (opening is expensive; OpenSlide handles are thread-safe). Callers `acquire` a lease and
 * `release` it; unreferenced handles stay open for reuse until the LRU evicts them to respect
 * `maxOpenSlides` and `maxBytes`. A handle whose read failed is retired (OpenSlide errors latch:
 * after one failure every later call on that handle fails), so the next acquire reopens the file.
 */
import { resolve } from 'node:path';
import type { OpenSlideHandle, RgbaImage } from '../../../native/lib/types.js';
import type { SlideInfo } from '../../shared/domain/Slide.js';
import { validateRegion, type RegionRequest } from '../../shared/domain/RegionRequest.js';
import { AppError } from '../../shared/errors/AppError.js';
import { quickHash } from './quickHash.js';
import { slideInfoFromHandle } from './slideInfo.js';

/** Opens a slide file (the native addon's openSlide by default; tests of pure logic may pass another). */
export type SlideOpener = (path: string) => Promise<OpenSlideHandle>;

/** Limits of a registry. */
export interface SlideRegistryOptions {
  /** Most handles kept open, referenced or not (default 8). Referenced handles are never closed. */
  readonly maxOpenSlides?: number;
  /** Byte budget for open handles, counted as `bytesPerSlide` each (default 512 MiB). */
  readonly maxBytes?: number;
  /** Estimated memory of one open handle: OpenSlide 3.4.1 gives each handle a 32 MiB tile cache (default 36 MiB). */
  readonly bytesPerSlide?: number;
  readonly openSlide?: SlideOpener;
}

/** A caller's use of an open slide. Call `release()` when done (idempotent); reads after release throw SLIDE_CLOSED. */
export interface SlideLease {
  readonly info: SlideInfo;
  /** Reads straight RGBA pixels: (x, y) in level-0 pixels, width/height in pixels of `level`. Validated. */
  readRegion(region: RegionRequest): Promise<RgbaImage>;
  /** The same region as a baseline JPEG made in the native read (null where the handle cannot: resampled levels, test fakes). */
  readRegionJpeg(region: RegionRequest, options: { readonly quality: number; readonly background: string }): Promise<Buffer | null>;
  /** Reads an associated image by name (NOT_FOUND when the slide has none of that name). */
  readAssociatedImage(name: string): Promise<RgbaImage>;
  release(): void;
}

/** Counters for tests and diagnostics. */
export interface SlideRegistryStats {
  readonly open: number;
  readonly referenced: number;
  readonly bytes: number;
  readonly opens: number;
  readonly evictions: number;
}

interface Entry {
  readonly key: string;
  readonly ready: Promise<{ handle: OpenSlideHandle; info: SlideInfo }>;
  opened?: { handle: OpenSlideHandle; info: SlideInfo };
  refs: number;
  retired: boolean;
}

/** Shared, reference-counted, LRU-evicted OpenSlide handles keyed by absolute path. */
export class SlideRegistry {
  readonly maxOpenSlides: number;
  readonly maxBytes: number;
  readonly bytesPerSlide: number;
  readonly #open: SlideOpener;
  /** Insertion order = least recently used first. */
  readonly #entries = new Map<string, Entry>();
  /** Retired entries still referenced: closed when their last lease is released. */
  readonly #retired = new Set<Entry>();
  #opens = 0;
  #evictions = 0;

  constructor(options: SlideRegistryOptions = {}) {
    this.maxOpenSlides = options.maxOpenSlides ?? 8;
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.bytesPerSlide = options.bytesPerSlide ?? 36 * 1024 * 1024;
    if (!(this.maxOpenSlides >= 1)) throw new AppError('VALIDATION_FAILED', `Expected maxOpenSlides ≥ 1 but received ${this.maxOpenSlides}`);
    this.#open = options.openSlide ?? defaultOpener;
  }

  /** Opens (or reuses) the slide at `path` and leases it. Throws the opener's coded errors (SLIDE_NOT_FOUND, ...). */
  async acquire(path: string): Promise<SlideLease> {
    const key = resolve(path);
    let entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key); // move to most recently used
      this.#entries.set(key, entry);
    } else {
      entry = this.#startOpen(key);
    }
    entry.refs++;
    let opened;
    try {
      opened = await entry.ready;
    } catch (err) {
      entry.refs--;
      throw err;
    }
    return this.#lease(entry, opened.handle, opened.info);
  }

  /** Runs `fn` with a lease and releases it afterwards, whatever happens. */
  async use<T>(path: string, fn: (slide: SlideLease) => Promise<T> | T): Promise<T> {
    const lease = await this.acquire(path);
    try {
      return await fn(lease);
    } finally {
      lease.release();
    }
  }

  /** The SlideInfo of the slide at `path` (opens it if needed). */
  info(path: string): Promise<SlideInfo> {
    return this.use(path, (s) => s.info);
  }

  /** Reads a region of the slide at `path` (see SlideLease.readRegion). */
  readRegion(path: string, region: RegionRequest): Promise<RgbaImage> {
    return this.use(path, (s) => s.readRegion(region));
  }

  /** Closes every unreferenced handle now and retires referenced ones (closed on their last release). */
  closeAll(): void {
    for (const entry of [...this.#entries.values()]) this.#retire(entry);
  }

  /** Current counters. */
  stats(): SlideRegistryStats {
    const open = [...this.#entries.values()].filter((e) => e.opened).length;
    const referenced = [...this.#entries.values(), ...this.#retired].filter((e) => e.refs > 0).length;
    return { open, referenced, bytes: open * this.bytesPerSlide, opens: this.#opens, evictions: this.#evictions };
  }

  #startOpen(key: string): Entry {
    this.#opens++;
    const ready = (async () => {
      const handle = await this.#open(key);
      try {
        const info = slideInfoFromHandle(handle, await quickHash(key, handle.properties));
        return { handle, info };
      } catch (err) {
        handle.close();
        throw err instanceof AppError ? err : new AppError('SLIDE_READ_FAILED', `Reading ${key}: ${(err as Error).message}`, { cause: err });
      }
    })();
    const entry: Entry = { key, ready, refs: 0, retired: false };
    this.#entries.set(key, entry);
    ready.then(
      (opened) => {
        entry.opened = opened;
        this.#evict();
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key); // failed opens are not cached
      },
    );
    return entry;
  }

  #lease(entry: Entry, handle: OpenSlideHandle, info: SlideInfo): SlideLease {
    let released = false;
    const guard = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
      if (released) throw new AppError('SLIDE_CLOSED', `${what}: the lease on ${entry.key} was released`);
      try {
        return await fn();
      } catch (err) {
        if (err instanceof AppError && err.code === 'SLIDE_READ_FAILED') this.#retire(entry);
        throw err;
      }
    };
    return {
      info,
      readRegion: (region) => guard('readRegion', () => handle.readRegion(validateRegion(region, info.levels))),
      readRegionJpeg: (region, options) =>
        guard('readRegionJpeg', async () => (handle.readRegionJpeg ? handle.readRegionJpeg(validateRegion(region, info.levels), options) : null)),
      readAssociatedImage: (name) =>
        guard('readAssociatedImage', () => {
          if (!info.associatedImages.includes(name)) {
            const known = info.associatedImages.length ? info.associatedImages.join(', ') : 'none';
            throw new AppError('NOT_FOUND', `The slide has no associated image ${JSON.stringify(name)} (it has: ${known})`);
          }
          return handle.readAssociatedImage(name);
        }),
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        if (entry.retired) {
          if (entry.refs === 0) {
            this.#retired.delete(entry);
            entry.opened?.handle.close();
          }
        } else {
          this.#evict();
        }
      },
    };
  }

  /** Takes an entry out of the registry; closes it now if unreferenced, else on its last release. */
  #retire(entry: Entry): void {
    if (entry.retired) return;
    entry.retired = true;
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
    if (entry.refs === 0) entry.opened?.handle.close();
    else this.#retired.add(entry);
  }

  /** Closes least recently used, unreferenced, opened handles while over either limit. */
  #evict(): void {
    const over = () => {
      const n = [...this.#entries.values()].filter((e) => e.opened).length;
      return n > this.maxOpenSlides || n * this.bytesPerSlide > this.maxBytes;
    };
    for (const entry of [...this.#entries.values()]) {
      if (!over()) return;
      if (entry.refs > 0 || !entry.opened) continue;
      this.#entries.delete(entry.key);
      entry.opened.handle.close();
      this.#evictions++;
    }
  }
}

async function defaultOpener(path: string): Promise<OpenSlideHandle> {
  const native = await import('../../../native/lib/index.js');
  return native.openSlide(path);
}
