import type { EventName, EventOf } from '../../shared/api/contract.js';

/** A listener of every API event. */
export type ApiEventListener = <K extends EventName>(name: K, payload: EventOf<K>) => void;

/**
 * The host's event fan-out: the pipeline emits, each connected renderer (IPC window, SSE client)
 * subscribes. A listener that throws is dropped from that one delivery, never from the bus.
 */
export class ApiEvents {
  readonly #listeners = new Set<ApiEventListener>();

  /** Sends an event to every subscriber. */
  emit<K extends EventName>(name: K, payload: EventOf<K>): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(name, payload);
      } catch {
        // One broken connection must not stop the others from hearing about the run.
      }
    }
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: ApiEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many listeners are connected (tests, diagnostics). */
  get size(): number {
    return this.#listeners.size;
  }
}
