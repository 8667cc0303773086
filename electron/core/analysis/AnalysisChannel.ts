import type { AnalysisHostMessage, AnalysisWorkerEvent, AnalysisWorkerInit } from './analysisProtocol.js';

/** How the analysis worker ended: an exit code, or the signal that killed it. */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: string | null;
}

/**
 * One running analysis worker, whatever carries it: a worker thread, a child process (the
 * browser host and the CLI), or an Electron utilityProcess (the desktop app). A worker in a
 * process of its own can crash (a native fault in a slide library, out of memory) without taking
 * the host down; the host then sees `onExit` before any 'done' or 'error' event and restarts it.
 */
export interface AnalysisChannel {
  /** OS process id of the worker (null for a thread). */
  readonly pid: number | null;
  send(message: AnalysisHostMessage): void;
  onMessage(listener: (event: AnalysisWorkerEvent) => void): void;
  /** Fires once, when the worker is gone. */
  onExit(listener: (exit: WorkerExit) => void): void;
}

/** Starts a worker for `init`. */
export type AnalysisChannelFactory = (init: AnalysisWorkerInit) => AnalysisChannel;
