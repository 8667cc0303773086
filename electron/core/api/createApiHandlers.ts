import { basename } from 'node:path';
import { contract, type RequestName, type ResponseOf, type ResultOf, type ValidRequestOf } from '../../shared/api/contract.js';
import { CLASS_HOTKEYS } from '../../shared/api/hotkeys.js';
import { cropPath, thumbnailPath, tilePathTemplate } from '../../shared/api/urls.js';
import type { AppInfo, CaseSummary, CellDetail, CellSummary, DifferentialView, FileEntry, ReviewResult, SlideView } from '../../shared/api/views.js';
import type { DifferentialOptionsInput } from '../../shared/api/requests.js';
import { computeDifferential } from '../../shared/domain/differential/computeDifferential.js';
import { BLAST_DEFINITIONS } from '../../shared/domain/differential/BlastDefinition.js';
import { maxDzLevel } from '../../shared/domain/DeepZoom.js';
import { mppOf, requireCalibration } from '../../shared/domain/PixelCalibration.js';
import { CELL_CLASSES } from '../../shared/domain/taxonomy.js';
import { AppError } from '../../shared/errors/AppError.js';
import { attempt, fail } from '../../shared/errors/Result.js';
import { validate } from '../../shared/errors/validate.js';
import type { ApiEvents } from './ApiEvents.js';
import { browseDirectory } from './browseDirectory.js';
import type { AnalysisPort, CaseStorePort, RegionProposerPort, SignoffPort, SlidePort, StoreReviewResult } from './ports.js';
import { SlideSession, type OpenSlide } from './SlideSession.js';

/** What the handlers are built from; null ports are reported to the caller as coded errors. */
export interface ApiDeps {
  readonly slides: SlidePort;
  readonly store: CaseStorePort | null;
  /** Sign-off, reports and audit over the same case file (null: no case store in this host). */
  readonly signoff: SignoffPort | null;
  readonly analysis: AnalysisPort | null;
  readonly proposer: RegionProposerPort | null;
  readonly events: ApiEvents;
  /** Shared with the pixel server so both see the same opened slides. */
  readonly session: SlideSession;
  /** Who review decisions are recorded as (the OS user). */
  readonly reviewer: string;
  readonly host: AppInfo['host'];
  readonly version: string;
  /** Where the open-slide dialog starts. */
  readonly browseRoots: readonly FileEntry[];
}

/** One handler: takes an unvalidated payload, answers a Result (never throws). */
export type ApiHandler<K extends RequestName> = (payload: unknown) => Promise<ResultOf<K>>;
/** One handler per contract entry. */
export type ApiHandlers = { readonly [K in RequestName]: ApiHandler<K> };

type Impl = { readonly [K in RequestName]: (req: ValidRequestOf<K>) => Promise<ResponseOf<K>> | ResponseOf<K> };

/**
 * Builds the API: one handler per contract entry. Each validates its payload with the entry's
 * schema (VALIDATION_FAILED naming the exact field, e.g. "reclassify.cellIds.0") and returns a
 * Result; a thrown AppError becomes its coded failure, anything else INTERNAL.
 */
export function createApiHandlers(deps: ApiDeps): ApiHandlers {
  const impl = implementation(deps);
  const handlers = {} as Record<RequestName, ApiHandler<RequestName>>;
  for (const name of Object.keys(contract) as RequestName[]) {
    const schema = contract[name].request;
    const run = impl[name] as (req: unknown) => unknown;
    handlers[name] = async (payload: unknown) => {
      if (payload === undefined) payload = {};
      return attempt(async () => run(validate(schema as never, payload, name))) as Promise<ResultOf<RequestName>>;
    };
  }
  return handlers as unknown as ApiHandlers;
}

/** Calls a handler by a name that came from outside (a URL, an IPC channel): NOT_FOUND for unknown names. */
export async function callHandler(handlers: ApiHandlers, name: string, payload: unknown): Promise<ResultOf<RequestName>> {
  if (!Object.prototype.hasOwnProperty.call(handlers, name)) return fail({ code: 'NOT_FOUND', message: `No API request named ${JSON.stringify(name)}` });
  return (handlers[name as RequestName] as ApiHandler<RequestName>)(payload);
}

function implementation(deps: ApiDeps): Impl {
  const { session } = deps;
  const store = (): CaseStorePort => {
    if (!deps.store) throw new AppError('STORE_FAILED', 'No case store is open in this host, so nothing can be recorded');
    return deps.store;
  };
  const signoff = (): SignoffPort => {
    if (!deps.signoff) throw new AppError('STORE_FAILED', 'No case store is open in this host, so there is nothing to sign or report');
    return deps.signoff;
  };
  const withCrop = <T extends Omit<CellSummary, 'cropUrl'>>(cell: T): T & { cropUrl: string } => ({ ...cell, cropUrl: cropPath(cell.cellId) });
  const differentialOf = (runId: string, o: DifferentialOptionsInput): DifferentialView => {
    const { counts, cellsTotal, reviewedCount, canUndo, canRedo } = store().labelCounts(runId, deps.reviewer);
    const differential = computeDifferential(counts, {
      ...(o.blastDefinition ? { blastDefinition: BLAST_DEFINITIONS[o.blastDefinition] } : {}),
      ...(o.meConvention ? { meConvention: o.meConvention } : {}),
    });
    return { runId, differential, cellsTotal, reviewedCount, canUndo, canRedo };
  };
  /** The write's result, with the differential and the next cell's detail when asked (so a keystroke costs one round trip). */
  const review = (req: { runId: string; differential?: DifferentialOptionsInput | undefined; detailOf?: string | undefined }, r: StoreReviewResult): ReviewResult => ({
    ...r,
    changed: r.changed.map(withCrop),
    differential: req.differential ? differentialOf(req.runId, req.differential) : null,
    detail: req.detailOf ? detailAfterWrite(req.detailOf) : null,
  });
  /** The write is stored whatever happens here: a detail that cannot be read is left to getCell to report. */
  const detailAfterWrite = (cellId: string): CellDetail | null => {
    try {
      return withCrop(store().getCell(cellId));
    } catch {
      return null;
    }
  };

  const slideView = async (slide: OpenSlide): Promise<SlideView> => {
    const grid = await deps.slides.grid(slide.path);
    const { info } = slide;
    return {
      slideId: slide.slideId,
      storedSlideId: slide.storedSlideId,
      name: basename(slide.path),
      path: slide.path,
      vendor: info.vendor,
      width: info.width,
      height: info.height,
      mpp: mppOf(info.calibration),
      objectivePower: info.objectivePower,
      levelCount: info.levels.length,
      tileSource: {
        width: grid.width,
        height: grid.height,
        tileSize: grid.tileSize,
        overlap: grid.overlap,
        minLevel: 0,
        maxLevel: maxDzLevel(grid),
        format: 'jpeg',
        tileUrlTemplate: tilePathTemplate(slide.slideId),
      },
      thumbnailUrl: thumbnailPath(slide.slideId),
    };
  };

  return {
    getAppInfo: () => ({
      version: deps.version,
      host: deps.host,
      reviewer: deps.reviewer,
      storePath: deps.store?.path ?? null,
      analysisAvailable: deps.analysis !== null && deps.store !== null,
      regionProposalsAvailable: deps.proposer !== null,
    }),
    getTaxonomy: () => ({ classes: CELL_CLASSES.map((c) => ({ ...c, hotkey: CLASS_HOTKEYS[c.code] ?? null })) }),
    listSlides: () => (deps.store ? deps.store.listSlides().map((s) => ({ ...s, openSlideId: session.idForStored(s.storedSlideId) })) : []),
    listCases: () => {
      if (!deps.store) return [];
      // The store has no case grouping yet: each slide is its own case, named after its file.
      return deps.store.listSlides().map(
        (s): CaseSummary => ({ caseId: `slide-${s.storedSlideId}`, name: s.name, slides: [{ ...s, openSlideId: session.idForStored(s.storedSlideId) }] }),
      );
    },
    browseFiles: (req) => browseDirectory(req.path, deps.browseRoots),
    openSlide: async (req) => {
      const info = await deps.slides.info(req.path);
      const storedSlideId = deps.store ? deps.store.recordSlide(info) : null;
      return slideView(session.add(info.path, info, storedSlideId));
    },
    getSlide: (req) => slideView(session.get(req.slideId)),
    closeSlide: (req) => ({ closed: session.remove(req.slideId) }),
    proposeRegions: async (req) => {
      const slide = session.get(req.slideId);
      if (!deps.proposer) throw new AppError('NOT_FOUND', 'Automatic region proposals are not available in this build');
      requireCalibration(slide.info.calibration, 'Proposing counting regions');
      return deps.proposer.propose(slide.path, slide.info, req.limit ?? 12);
    },
    startAnalysis: async (req) => {
      const slide = session.get(req.slideId);
      requireCalibration(slide.info.calibration, 'Cell analysis');
      req.regions.forEach((r, i) => {
        const { x, y, width, height } = r.rect;
        if (x < 0 || y < 0 || x + width > slide.info.width || y + height > slide.info.height) {
          throw new AppError(
            'VALIDATION_FAILED',
            `Expected startAnalysis.regions.${i}.rect inside the slide (0,0)–(${slide.info.width},${slide.info.height}) but received ${JSON.stringify(r.rect)}`,
          );
        }
      });
      if (!deps.analysis) throw new AppError('ANALYSIS_FAILED', 'The analysis pipeline is not available in this build');
      const storedSlideId = slide.storedSlideId ?? store().recordSlide(slide.info);
      return deps.analysis.start({ slidePath: slide.path, slide: slide.info, storedSlideId, regions: req.regions });
    },
    cancelAnalysis: (req) => {
      if (!deps.analysis) throw new AppError('NOT_FOUND', `No analysis run ${req.runId} is running in this host`);
      return deps.analysis.cancel(req.runId);
    },
    getAnalysisStatus: (req) => {
      if (deps.analysis) {
        try {
          return deps.analysis.status(req.runId);
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
        }
      }
      // Runs of earlier sessions are known only to the store.
      const run = store().getRun(req.runId);
      return {
        runId: run.runId,
        state: run.state,
        progress: { regionsDone: 0, regionsTotal: 0, cellsFound: run.cellCount, cellsClassified: run.cellCount, etaSeconds: null },
        error: run.error,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
      };
    },
    listCells: (req) => {
      const page = store().listCells({
        runId: req.runId,
        filters: req.filters ?? {},
        bounds: req.bounds ?? null,
        order: req.order ?? 'uncertain-first',
        limit: req.limit ?? 500,
        offset: req.offset ?? 0,
      });
      return { ...page, cells: page.cells.map(withCrop) };
    },
    getCell: (req) => withCrop(store().getCell(req.cellId)),
    reclassify: (req) => review(req, store().recordDecisions(req.runId, req.cellIds, 'reclassify', req.code, deps.reviewer)),
    confirm: (req) => review(req, store().recordDecisions(req.runId, req.cellIds, 'confirm', null, deps.reviewer)),
    defer: (req) => review(req, store().recordDecisions(req.runId, req.cellIds, 'defer', 'DEFER', deps.reviewer)),
    undo: (req) => review(req, store().undo(req.runId, deps.reviewer)),
    redo: (req) => review(req, store().redo(req.runId, deps.reviewer)),
    getDifferential: (req) => differentialOf(req.runId, req),
    getSignoff: (req) => signoff().status(req.runId),
    addReviewer: (req) => signoff().addReviewer(req),
    setCaseDetails: (req) => signoff().setCaseDetails(req, deps.reviewer),
    signReport: (req) => signoff().sign(req),
    secondSign: (req) => signoff().secondSign(req),
    amendReport: (req) => signoff().amend(req),
    previewReport: (req) => signoff().preview(req.runId, req),
    exportReport: (req) => signoff().export(req, deps.reviewer),
    getAuditTrail: (req) => signoff().auditTrail(req),
  };
}
