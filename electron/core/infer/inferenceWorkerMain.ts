// Entry point of the inference worker thread: loads the ensemble once, then classifies requests one
// at a time. onnxruntime-node's session.run() blocks its thread, so it must never run on the host's.
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../../shared/errors/AppError.js';
import type { CellCrop } from './CellCrop.js';
import { Ensemble } from './Ensemble.js';
import type { ClassifyRequest, InferenceWorkerInit, InferenceWorkerMessage } from './inferenceWorkerProtocol.js';

const port = parentPort;
if (!port) throw new Error('inferenceWorkerMain must run in a worker thread');
const post = (msg: InferenceWorkerMessage): void => port.postMessage(msg);
const init = workerData as InferenceWorkerInit;

let ensemble: Ensemble | undefined;
try {
  ensemble = await Ensemble.load(init.manifestPath, init.options);
  post({ type: 'ready', info: ensemble.info });
} catch (err) {
  post({ type: 'failed', error: toErrorInfo(err) });
}

if (ensemble) {
  const loaded = ensemble;
  // Requests are chained so they run strictly in order even if the host sends several.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (req: ClassifyRequest) => {
    chain = chain.then(async () => {
      try {
        const bytes = new Uint8Array(req.buffer);
        const crops: CellCrop[] = req.crops.map((c) => ({
          data: bytes.subarray(c.offset, c.offset + c.width * c.height * 3),
          width: c.width,
          height: c.height,
          micronsPerPixel: c.micronsPerPixel,
        }));
        post({ type: 'result', id: req.id, predictions: await loaded.classify(crops) });
      } catch (err) {
        post({ type: 'error', id: req.id, error: toErrorInfo(err) });
      }
    });
  });
}
