/**
 * Runs at most `max` async jobs at once, first come first served. A queued job whose signal aborts
 * is dropped before it starts, so tiles the viewer no longer needs (after a pan) cost nothing.
 */
export class ConcurrencyLimit {
  readonly max: number;
  #running = 0;
  readonly #queue: (() => void)[] = [];

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`ConcurrencyLimit max must be an integer ≥ 1, got ${max}`);
    this.max = max;
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Jobs waiting to start. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Runs `job` when a slot is free; rejects with the signal's reason if it aborts first. */
  async run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    // A finishing job hands its slot straight to the next queued one, so `running` never exceeds max.
    if (this.#running < this.max) this.#running++;
    else {
      await new Promise<void>((resolve, reject) => {
        const start = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.#queue.indexOf(start);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#queue.push(start);
      });
    }
    try {
      return await job();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
