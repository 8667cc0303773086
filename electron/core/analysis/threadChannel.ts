import { Worker } from 'node:worker_threads';
import type { AnalysisChannel, AnalysisChannelFactory } from './AnalysisChannel.js';
import { analysisWorkerEntry } from './analysisWorkerEntry.js';

/**
 * The worker as a thread of the host: no process start-up, but a native crash in it ends the
 * host too. Kept for benchmarks and for hosts that cannot start processes.
 */
export const threadChannel: AnalysisChannelFactory = (init): AnalysisChannel => {
  const worker = new Worker(analysisWorkerEntry(), { workerData: init });
  // An uncaught error in the thread arrives as 'error' and then 'exit' (code 1): onExit reports it.
  worker.on('error', () => undefined);
  let exited = false;
  return {
    pid: null,
    send: (message) => {
      if (!exited) worker.postMessage(message);
    },
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) =>
      worker.once('exit', (code) => {
        exited = true;
        listener({ code, signal: null });
      }),
  };
};
