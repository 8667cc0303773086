import type { ApiEvents } from './ApiEvents.js';
import type { AnalysisPort, CaseStorePort } from './ports.js';

/** The case store opened for a host, the analysis pipeline bound to it, and how to close both. */
export interface OpenedStore {
  readonly port: CaseStorePort | null;
  readonly analysis: ((events: ApiEvents) => AnalysisPort) | null;
  /** Why `port` is null. */
  readonly reason: string;
  close(): void;
}

/**
 * Opens the case store at `path` for the API. The store (electron/core/store) and the analysis
 * pipeline are wired here as they land; until then the host runs without them and says so.
 */
export async function openCaseStorePort(_path: string): Promise<OpenedStore> {
  return { port: null, analysis: null, reason: 'the case store is not part of this build yet', close: () => undefined };
}
