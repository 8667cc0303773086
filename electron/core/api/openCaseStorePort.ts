import type { AnalysisChannelFactory } from '../analysis/AnalysisChannel.js';
import { defaultManifestPath } from '../paths.js';
import { openCaseStore } from '../store/index.js';
import { analysisPortFrom } from './analysisPortFrom.js';
import type { ApiEvents } from './ApiEvents.js';
import { caseStorePortFrom } from './caseStorePortFrom.js';
import type { AnalysisPort, CaseStorePort, SignoffPort } from './ports.js';
import { signoffPortFrom } from './signoffPortFrom.js';

/** The case store opened for a host, the analysis pipeline bound to it, and how to close both. */
export interface OpenedStore {
  readonly port: CaseStorePort;
  readonly signoff: SignoffPort;
  readonly analysis: (events: ApiEvents) => AnalysisPort;
  close(): void;
}

/** How the host's store and pipeline are set up. */
export interface OpenStoreOptions {
  /** The ensemble's manifest (default models/manifest.json); a bad one fails each analysis with its coded error, not the host. */
  readonly manifestPath?: string;
  readonly maxCells?: number | null;
  /** What runs the analysis worker (default: a child process). */
  readonly channel?: AnalysisChannelFactory;
}

/**
 * Opens (creating or migrating) the case file at `path` for the API and binds the analysis
 * pipeline to it. The host is the file's single writer; the analysis worker only computes.
 */
export function openCaseStorePort(path: string, options: OpenStoreOptions = {}): OpenedStore {
  const store = openCaseStore(path, { actor: 'workstation' });
  return {
    port: caseStorePortFrom(store),
    signoff: signoffPortFrom(store),
    analysis: (events) => analysisPortFrom({ store, events, manifestPath: options.manifestPath ?? defaultManifestPath(), maxCells: options.maxCells ?? null, ...(options.channel ? { channel: options.channel } : {}) }),
    close: () => store.close(),
  };
}
