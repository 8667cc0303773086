/**
 * The analysis worker (a child process, an Electron utilityProcess or a worker thread; see
 * workerTransport): slide reads, detection (OpenCV/WASM), crops and ONNX
 * inference all run here, never on the host's thread. It only computes; the host is the single
 * writer of the case file and commits each region it receives in one transaction.
 */
import { openSlide } from '../../../native/lib/index.js';
import type { OpenSlideHandle } from '../../../native/lib/types.js';
import { toErrorInfo } from '../../shared/errors/AppError.js';
import { RomanowskyCellDetector } from '../detect/RomanowskyCellDetector.js';
import { Ensemble } from '../infer/Ensemble.js';
import type { AnalysisWorkerEvent } from './analysisProtocol.js';
import { classifyPrepared, prepareRegion, type PreparedRegion, type RegionTimings } from './analyzeRegion.js';
import { connectWorker } from './workerTransport.js';

/** Crops per ensemble call: onnxruntime's throughput per cell keeps rising up to about this batch. */
const BATCH = 128;

const transport = connectWorker();
// Crops travel as copies: they are small, and transferring would detach buffers still referenced.
const post = (event: AnalysisWorkerEvent): void => transport.post(event);

// Cancellation is cooperative: the host asks, the worker stops between regions and exits on its own.
// Terminating a thread instead can kill the whole process when a native read or session
// completes into a dying environment (Napi::Error → std::terminate).
let cancelled = false;
transport.onCancel(() => {
  cancelled = true;
});

async function run(): Promise<void> {
  const init = await transport.init;
  let slide: OpenSlideHandle | undefined;
  let ensemble: Ensemble | undefined;
  let outcome: AnalysisWorkerEvent = { type: 'done' };
  try {
    slide = await openSlide(init.slidePath);
    ensemble = await Ensemble.load(init.manifestPath, {
      ...(init.providers ? { providers: init.providers } : {}),
      ...(init.intraOpThreads ? { intraOpThreads: init.intraOpThreads } : {}),
    });
    const detector = new RomanowskyCellDetector();
    post({ type: 'ready', provider: ensemble.info.provider, detector: detector.name, memberCount: ensemble.info.members });
    const deps = { slide, slideMpp: init.slideMpp, detector, classifier: ensemble, input: ensemble.info.input };
    // Regions are prepared one by one and classified in groups of at least BATCH crops; each
    // region is still sent (and committed by the host) on its own.
    let budget = init.cellBudget;
    let group: PreparedRegion[] = [];
    let groupCrops = 0;
    const groupTimings: RegionTimings = { read: 0, detect: 0, crop: 0, classify: 0 };
    const flush = async (): Promise<void> => {
      if (group.length === 0) return;
      const results = await classifyPrepared(deps, group, groupTimings);
      // Timings are per group; each region reports its share by cell count (at least evenly).
      const share = (n: number): RegionTimings => {
        const f = groupCrops > 0 ? n / groupCrops : 1 / group.length;
        return { read: groupTimings.read * f, detect: groupTimings.detect * f, crop: groupTimings.crop * f, classify: groupTimings.classify * f };
      };
      group.forEach((p, i) => {
        let cells = results[i]!;
        const truncated = budget !== null && cells.length > budget;
        if (truncated) cells = cells.slice(0, budget!);
        if (budget !== null) budget -= cells.length;
        post({ type: 'region', regionId: p.region.id, cells, truncated, timings: share(p.crops.length) });
      });
      group = [];
      groupCrops = 0;
      Object.assign(groupTimings, { read: 0, detect: 0, crop: 0, classify: 0 });
    };
    for (const region of init.regions) {
      if (cancelled) break;
      if (budget !== null && budget - groupCrops <= 0) break;
      const prepared = await prepareRegion(deps, region, groupTimings);
      group.push(prepared);
      groupCrops += prepared.crops.length;
      if (groupCrops >= BATCH) await flush();
    }
    if (!cancelled) await flush();
  } catch (err) {
    outcome = { type: 'error', error: toErrorInfo(err) };
  } finally {
    await ensemble?.release().catch(() => undefined);
    slide?.close();
  }
  transport.finish(outcome);
}

void run();
