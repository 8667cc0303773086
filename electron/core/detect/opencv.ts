import { createRequire } from 'node:module';
import type * as CvModule from '@techstark/opencv-js';
import { AppError } from '../../shared/errors/AppError.js';

/** The OpenCV.js namespace (types from mirada, shipped with @techstark/opencv-js). */
export type Cv = typeof CvModule;

/** Anything OpenCV.js allocates on its WebAssembly heap and that must be freed with delete(). */
export interface Deletable {
  delete(): void;
}

let loading: Promise<Cv> | null = null;

/**
 * Loads OpenCV.js once per process (≈0.5 s) and returns it. Call it only where detection runs
 * (a worker thread or the CLI process): the Emscripten build registers process-wide
 * `uncaughtException` / `unhandledRejection` handlers that would abort a host process; this
 * function removes exactly the handlers the load added, so errors keep Node's normal behaviour.
 */
export function loadOpenCv(): Promise<Cv> {
  loading ??= instantiate().catch((err: unknown) => {
    loading = null;
    throw err instanceof AppError ? err : new AppError('INTERNAL', `OpenCV.js failed to load: ${err instanceof Error ? err.message : String(err)}`);
  });
  return loading;
}

async function instantiate(): Promise<Cv> {
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const before = new Set<unknown>(events.flatMap((e) => process.listeners(e as 'uncaughtException')));
  const require = createRequire(import.meta.url);
  let mod: Record<string, unknown>;
  try {
    mod = require('@techstark/opencv-js') as Record<string, unknown>;
  } finally {
    for (const event of events) {
      for (const listener of process.listeners(event as 'uncaughtException')) {
        if (!before.has(listener)) process.removeListener(event as 'uncaughtException', listener);
      }
    }
  }
  if (typeof mod['Mat'] !== 'function') {
    await new Promise<void>((resolve) => {
      // The module object is a "thenable" whose then() returns itself: awaiting it directly loops forever.
      mod['onRuntimeInitialized'] = () => resolve();
    });
  }
  // Drop the self-returning then() so the module can be returned from async functions safely.
  delete mod['then'];
  return mod as unknown as Cv;
}

/**
 * Runs `fn` with a tracker and frees every Mat (or other OpenCV object) registered on it afterwards,
 * even when `fn` throws: the WebAssembly heap is not garbage-collected.
 */
export function withMats<T>(fn: (track: <M extends Deletable>(m: M) => M) => T): T {
  const owned: Deletable[] = [];
  const track = <M extends Deletable>(m: M): M => {
    owned.push(m);
    return m;
  };
  try {
    return fn(track);
  } finally {
    for (let i = owned.length - 1; i >= 0; i--) {
      try {
        owned[i]!.delete();
      } catch {
        // already deleted: nothing to free
      }
    }
  }
}
