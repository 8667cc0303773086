/**
 * The renderer's one door to the host. In Electron the preload exposes `window.marrowscope`
 * (invoke + onEvent over the typed contract); in a browser the same calls go to the
 * `marrowscope serve` host as POST /api/<name> and events arrive by Server-Sent Events. Nothing
 * else in the renderer talks to a host. Only types are imported from the contract, so no schema
 * code ships in the renderer.
 */
import type { EventName, EventOf, RequestName, RequestOf, ResultOf } from '../../electron/shared/api/contract.js';
import type { Result } from '../../electron/shared/errors/Result.js';
import { RESULT_HEADER, RESULT_IN_HEADER_REQUEST } from '../../electron/shared/api/resultHeader.js';

/** One function per contract entry. */
export type Api = { readonly [K in RequestName]: (request: RequestOf<K>) => Promise<ResultOf<K>> };

/** Listener of host events. */
export type EventListener = <K extends EventName>(name: K, payload: EventOf<K>) => void;

/** What the Electron preload exposes (generic over the contract, so it never falls behind it). */
export interface PreloadBridge {
  invoke(name: string, payload: unknown): Promise<Result<unknown>>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
  /** The path of a dropped File (Electron's webUtils.getPathForFile). */
  pathForFile?(file: File): string;
}

declare global {
  interface Window {
    marrowscope?: PreloadBridge;
  }
}

const EVENT_NAMES: readonly EventName[] = ['analysisProgress', 'analysisFinished', 'openSlideRequested'];

async function httpInvoke(name: string, payload: unknown): Promise<Result<unknown>> {
  let res: Response;
  try {
    res = await fetch(`./api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [RESULT_IN_HEADER_REQUEST]: 'header' },
      credentials: 'same-origin',
      body: JSON.stringify(payload ?? {}),
    });
  } catch (err) {
    return { ok: false, error: { code: 'INTERNAL', message: `The Marrowscope host cannot be reached (${(err as Error).message}). Is \`marrowscope serve\` still running?` } };
  }
  if (res.status === 401) {
    return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'This page lost its access token. Open the link that `marrowscope serve` printed.' } };
  }
  try {
    // A small Result comes in a header: reading a body waits for the next frame after a keystroke.
    const inHeader = res.headers.get(RESULT_HEADER);
    return (inHeader !== null ? JSON.parse(inHeader) : await res.json()) as Result<unknown>;
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: `The host answered ${res.status} without a readable result` } };
  }
}

const listeners = new Set<EventListener>();
let source: EventSource | null = null;
let bridgeOff: (() => void) | null = null;

function connectEvents(): void {
  const bridge = window.marrowscope;
  if (bridge) {
    bridgeOff ??= bridge.onEvent((name, payload) => dispatch(name as EventName, payload));
    return;
  }
  if (source) return;
  source = new EventSource('./events');
  for (const name of EVENT_NAMES) {
    source.addEventListener(name, (e) => dispatch(name, JSON.parse((e as MessageEvent<string>).data)));
  }
}

function dispatch(name: EventName, payload: unknown): void {
  for (const l of listeners) l(name, payload as EventOf<typeof name>);
}

/** The API: `api.openSlide({ path })` → Result. */
export const api: Api = new Proxy({} as Api, {
  get(_target, name) {
    if (typeof name !== 'string') return undefined;
    return (request: unknown) => (window.marrowscope ? window.marrowscope.invoke(name, request ?? {}) : httpInvoke(name, request));
  },
});

/** Subscribes to host events; returns the unsubscribe function. */
export function onEvent(listener: EventListener): () => void {
  connectEvents();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The file-system path of a dropped file where the host can tell (Electron), else null. */
export function pathForDroppedFile(file: File): string | null {
  return window.marrowscope?.pathForFile?.(file) ?? null;
}

/** Pixel URLs are relative to the host's origin (http://127.0.0.1:port or the app protocol). */
export function pixelUrl(path: string): string {
  return `.${path}`;
}
