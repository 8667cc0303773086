/**
 * A byte-budgeted LRU cache of encoded images (tiles, thumbnails). Concurrent requests for the
 * same key share one in-flight promise, so a burst of identical tile requests reads and encodes
 * once. Failures are not cached. Cost of an entry = its bytes + a fixed per-entry overhead.
 */

/** Per-entry bookkeeping cost added to the buffer length (Map entry, key string, object). */
export const TILE_CACHE_ENTRY_OVERHEAD = 200;

/** Cache counters, for tests, benchmarks and diagnostics. */
export interface TileCacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly maxBytes: number;
  readonly hits: number;
  readonly misses: number;
  /** Requests that joined an in-flight computation instead of starting another. */
  readonly shared: number;
  readonly evictions: number;
}

/** Something with a byte length that the cache can hold. */
export interface Sized {
  readonly byteLength: number;
}

interface Pending<V> {
  promise: Promise<V>;
  readonly controller: AbortController;
  waiters: number;
}

/** Byte-budgeted LRU with in-flight de-duplication. */
export class TileCache<V extends Sized = Buffer> {
  readonly maxBytes: number;
  readonly #entries = new Map<string, V>();
  readonly #pending = new Map<string, Pending<V>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #shared = 0;
  #evictions = 0;

  /** `maxBytes` is the budget for cached values (0 disables caching but keeps in-flight sharing). */
  constructor(maxBytes: number) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) throw new RangeError(`TileCache maxBytes must be ≥ 0, got ${maxBytes}`);
    this.maxBytes = maxBytes;
  }

  /** The cached value (marking it most recently used), or undefined. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /**
   * Returns the cached value, joins an in-flight computation, or runs `produce` and caches its result.
   * With `signal`, this caller stops waiting when it aborts; when every caller of an in-flight
   * computation has aborted, the signal passed to `produce` aborts too (so queued work is dropped)
   * and the next request starts afresh.
   */
  async getOrCreate(key: string, produce: (signal: AbortSignal) => Promise<V>, signal?: AbortSignal): Promise<V> {
    signal?.throwIfAborted();
    const hit = this.get(key);
    if (hit !== undefined) {
      this.#hits++;
      return hit;
    }
    let pending = this.#pending.get(key);
    if (pending) this.#shared++;
    else {
      this.#misses++;
      pending = this.#start(key, produce);
    }
    pending.waiters++;
    if (!signal) return pending.promise;
    const p = pending;
    return new Promise<V>((resolve, reject) => {
      const onAbort = () => {
        if (--p.waiters === 0) {
          if (this.#pending.get(key) === p) this.#pending.delete(key);
          p.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      p.promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  #start(key: string, produce: (signal: AbortSignal) => Promise<V>): Pending<V> {
    const controller = new AbortController();
    const entry: Pending<V> = { promise: undefined as unknown as Promise<V>, controller, waiters: 0 };
    entry.promise = produce(controller.signal).then(
      (value) => {
        if (this.#pending.get(key) === entry) this.#pending.delete(key);
        this.set(key, value);
        return value;
      },
      (err: unknown) => {
        if (this.#pending.get(key) === entry) this.#pending.delete(key);
        throw err;
      },
    );
    // Callers with a signal attach their own handlers; this keeps an abandoned computation's rejection handled.
    entry.promise.catch(() => undefined);
    this.#pending.set(key, entry);
    return entry;
  }

  /** Stores a value, evicting least recently used entries until the budget holds; a value larger than the budget is not stored. */
  set(key: string, value: V): void {
    this.delete(key);
    const cost = value.byteLength + TILE_CACHE_ENTRY_OVERHEAD;
    if (cost > this.maxBytes) return;
    this.#entries.set(key, value);
    this.#bytes += cost;
    for (const [oldKey, oldValue] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldKey);
      this.#bytes -= oldValue.byteLength + TILE_CACHE_ENTRY_OVERHEAD;
      this.#evictions++;
    }
  }

  /** Removes one entry; true when it was cached. */
  delete(key: string): boolean {
    const value = this.#entries.get(key);
    if (value === undefined) return false;
    this.#entries.delete(key);
    this.#bytes -= value.byteLength + TILE_CACHE_ENTRY_OVERHEAD;
    return true;
  }

  /** Removes every entry whose key starts with `prefix` (e.g. all tiles of one slide). */
  deletePrefix(prefix: string): number {
    let n = 0;
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix) && this.delete(key)) n++;
    return n;
  }

  /** Empties the cache (in-flight computations finish and are then cached). */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  /** Current counters. */
  stats(): TileCacheStats {
    return {
      entries: this.#entries.size,
      bytes: this.#bytes,
      maxBytes: this.maxBytes,
      hits: this.#hits,
      misses: this.#misses,
      shared: this.#shared,
      evictions: this.#evictions,
    };
  }
}
