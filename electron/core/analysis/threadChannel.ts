import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../paths.js';
import type { AnalysisChannel, AnalysisChannelFactory } from './AnalysisChannel.js';

/** The compiled worker entry (the same file serves threads and processes). */
export function analysisWorkerEntry(): string {
  return join(projectRoot(), 'dist', 'electron', 'core', 'analysis', 'analysisWorkerMain.js');
}

/**
 * The worker as a thread of the host: no process start-up, but a native crash in it ends the
 * host too. Kept for benchmarks and for hosts that cannot start processes.
 */
export const threadChannel: AnalysisChannelFactory = (init): AnalysisChannel => {
  const worker = new Worker(analysisWorkerEntry(), { workerData: init });
  let exited = false;
  return {
    pid: null,
    send: (message) => {
      if (!exited) worker.postMessage(message);
    },
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => {
      // An uncaught error in the thread arrives as 'error' and then 'exit' (code 1).
      worker.on('error', () => undefined);
      worker.once('exit', (code) => {
        exited = true;
        listener({ code, signal: null });
      });
    },
  };
};
