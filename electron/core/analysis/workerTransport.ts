import { parentPort, workerData } from 'node:worker_threads';
import type { AnalysisHostMessage, AnalysisWorkerEvent, AnalysisWorkerInit } from './analysisProtocol.js';

/** The analysis worker's side of its channel, whichever carries it. */
export interface WorkerTransport {
  readonly init: Promise<AnalysisWorkerInit>;
  post(event: AnalysisWorkerEvent): void;
  onCancel(listener: () => void): void;
  /** Sends the last event and ends the worker. */
  finish(last: AnalysisWorkerEvent): void;
}

/** Electron's utilityProcess port (process.parentPort), typed here so the core does not depend on Electron. */
interface UtilityParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** Connects to the host: a worker thread (workerData), an Electron utilityProcess, or a Node child process. */
export function connectWorker(): WorkerTransport {
  if (parentPort) {
    const port = parentPort;
    let cancel = (): void => undefined;
    port.on('message', (m: AnalysisHostMessage) => m?.type === 'cancel' && cancel());
    return {
      init: Promise.resolve(workerData as AnalysisWorkerInit),
      post: (event) => port.postMessage(event),
      onCancel: (listener) => {
        cancel = listener;
      },
      finish: (last) => {
        port.postMessage(last);
        port.unref(); // let the thread end by itself: terminating it can abort the process
      },
    };
  }
  const utility = (process as unknown as { parentPort?: UtilityParentPort }).parentPort;
  if (utility) return messageTransport((l) => utility.on('message', (e) => l(e.data as AnalysisHostMessage)), (m) => utility.postMessage(m), (last) => {
    utility.postMessage(last);
    setTimeout(() => process.exit(0), 50); // the port has no send callback: give the message a moment
  });
  if (process.send) {
    const send = process.send.bind(process);
    return messageTransport((l) => process.on('message', (m) => l(m as AnalysisHostMessage)), (m) => send(m), (last) => {
      send(last, () => process.exit(0));
    });
  }
  throw new Error('analysisWorkerMain must run as a worker thread, a child process or an Electron utilityProcess');
}

function messageTransport(
  listen: (listener: (m: AnalysisHostMessage) => void) => void,
  post: (event: AnalysisWorkerEvent) => void,
  finish: (last: AnalysisWorkerEvent) => void,
): WorkerTransport {
  let cancel = (): void => undefined;
  let resolveInit: (init: AnalysisWorkerInit) => void = () => undefined;
  const init = new Promise<AnalysisWorkerInit>((resolve) => {
    resolveInit = resolve;
  });
  listen((m) => {
    if (m?.type === 'init') resolveInit(m.init);
    else if (m?.type === 'cancel') cancel();
  });
  // The host gone (its process died) means nobody will commit results: stop.
  process.on('disconnect', () => process.exit(0));
  return {
    init,
    post,
    onCancel: (listener) => {
      cancel = listener;
    },
    finish,
  };
}
