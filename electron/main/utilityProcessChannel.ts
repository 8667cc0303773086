import { utilityProcess } from 'electron';
import type { AnalysisChannel, AnalysisChannelFactory } from '../core/analysis/AnalysisChannel.js';
import type { AnalysisWorkerEvent } from '../core/analysis/analysisProtocol.js';
import { analysisWorkerEntry } from '../core/analysis/analysisWorkerEntry.js';

/**
 * The analysis worker in an Electron utilityProcess (Chromium's service process for Node work):
 * a native crash in it ends only that process, and runAnalysis starts a new one on the regions
 * left. Same worker entry and protocol as the child process of the browser host.
 */
export const utilityProcessChannel: AnalysisChannelFactory = (init): AnalysisChannel => {
  const child = utilityProcess.fork(analysisWorkerEntry(), [], { serviceName: 'Marrowscope analysis', stdio: 'inherit' });
  let alive = true;
  child.once('exit', () => {
    alive = false;
  });
  child.postMessage({ type: 'init', init });
  return {
    pid: child.pid ?? null,
    send: (message) => {
      if (alive) child.postMessage(message);
    },
    onMessage: (listener) => child.on('message', (m: unknown) => listener(m as AnalysisWorkerEvent)),
    onExit: (listener) => child.once('exit', (code) => listener({ code, signal: null })),
  };
};
