import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { AppInfo, FileEntry } from '../../shared/api/views.js';
import { sharedDataDir } from '../paths.js';
import { packageVersion } from '../report/packageVersion.js';
import { SlideRegistry } from '../slide/SlideRegistry.js';
import { TileService } from '../slide/TileService.js';
import { ApiEvents } from './ApiEvents.js';
import { createApiHandlers, type ApiHandlers } from './createApiHandlers.js';
import { createPixelServer, type PixelServer } from './createPixelServer.js';
import type { AnalysisPort, CaseStorePort, RegionProposerPort, SignoffPort } from './ports.js';
import { SlideSession } from './SlideSession.js';
import { slidePortFrom } from './slidePortFrom.js';

/** What a host (Electron main, `marrowscope serve`) needs to serve the API. */
export interface ApiRuntime {
  readonly handlers: ApiHandlers;
  readonly pixels: PixelServer;
  readonly events: ApiEvents;
  readonly session: SlideSession;
  /** Closes slides and the store. */
  close(): Promise<void>;
}

/** How to build a runtime; the ports default to "not available" (reported as coded errors). */
export interface ApiRuntimeOptions {
  readonly host: AppInfo['host'];
  readonly store?: CaseStorePort | null;
  readonly signoff?: SignoffPort | null;
  /** Builds the analysis port once the events bus exists (it reports progress through it). */
  readonly analysis?: ((events: ApiEvents) => AnalysisPort) | null;
  readonly proposer?: RegionProposerPort | null;
  readonly browseRoots?: readonly FileEntry[];
  readonly onClose?: () => Promise<void> | void;
}

/**
 * Deep Zoom tile edge for the viewer. 512 rather than the stored tiles' usual 256: a fresh view needs
 * about a third as many requests (9 instead of 33 at 1600 × 1000), and each request costs the page
 * more (loading, bookkeeping, a redraw, one of the browser's six connections per host) than cutting
 * a 512-px tile from four stored ones costs the host. Measured in test/bench/review.ts.
 */
const VIEWER_TILE_SIZE = 512;

/**
 * Wires the core behind the API once, the same way for every host: one slide registry and tile
 * service, one session of opened slides, the event bus, the handlers and the pixel server.
 */
export function createApiRuntime(options: ApiRuntimeOptions): ApiRuntime {
  const registry = new SlideRegistry();
  const tiles = new TileService(registry, { tileSize: VIEWER_TILE_SIZE });
  const slides = slidePortFrom(registry, tiles);
  const events = new ApiEvents();
  const session = new SlideSession();
  const store = options.store ?? null;
  const handlers = createApiHandlers({
    slides,
    store,
    signoff: options.signoff ?? null,
    analysis: options.analysis ? options.analysis(events) : null,
    proposer: options.proposer ?? null,
    events,
    session,
    reviewer: reviewerName(),
    host: options.host,
    version: packageVersion(),
    browseRoots: options.browseRoots ?? defaultBrowseRoots(),
  });
  return {
    handlers,
    pixels: createPixelServer({ slides, store, session }),
    events,
    session,
    close: async () => {
      await options.onClose?.();
      registry.closeAll();
    },
  };
}

/** The OS user, recorded on every review decision. */
export function reviewerName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}


/** Where the open-slide dialog starts: the shared slides folder (when present), then home. */
export function defaultBrowseRoots(): FileEntry[] {
  return [
    { name: 'Example slides', path: join(sharedDataDir(), 'slides'), kind: 'directory' },
    { name: 'Home', path: homedir(), kind: 'directory' },
  ];
}
