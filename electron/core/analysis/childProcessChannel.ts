import { fork } from 'node:child_process';
import type { AnalysisChannel, AnalysisChannelFactory } from './AnalysisChannel.js';
import type { AnalysisWorkerEvent } from './analysisProtocol.js';
import { analysisWorkerEntry } from './analysisWorkerEntry.js';

/**
 * The worker as a Node child process (the browser host and the CLI): a crash in OpenSlide,
 * OpenCV or onnxruntime ends only that process. Messages use structured clone ('advanced'
 * serialisation) so crops travel as bytes, not JSON.
 */
export const childProcessChannel: AnalysisChannelFactory = (init): AnalysisChannel => {
  const child = fork(analysisWorkerEntry(), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let connected = true;
  child.on('disconnect', () => {
    connected = false;
  });
  // A send into a dying process fails with EPIPE/ERR_IPC_CHANNEL_CLOSED; the exit event reports it.
  child.on('error', () => undefined);
  const send: AnalysisChannel['send'] = (message) => {
    if (connected) child.send(message, (err) => void err);
  };
  send({ type: 'init', init });
  return {
    pid: child.pid ?? null,
    send,
    onMessage: (listener) => child.on('message', (m) => listener(m as AnalysisWorkerEvent)),
    onExit: (listener) => child.once('exit', (code, signal) => listener({ code, signal })),
  };
};
