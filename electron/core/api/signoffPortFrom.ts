import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type {
  AuditTrailView,
  CaseDetailsView,
  DisagreementView,
  ExportResult,
  ReportPreview,
  ReviewerView,
  SignatureView,
  SignoffView,
} from '../../shared/api/signoffViews.js';
import { cropPath } from '../../shared/api/urls.js';
import type { DifferentialOptionsInput } from '../../shared/api/requests.js';
import { mppOf } from '../../shared/domain/PixelCalibration.js';
import { AppError } from '../../shared/errors/AppError.js';
import { buildReportModel, exportCaseBundle, exportReport } from '../report/index.js';
import { packageVersion } from '../report/packageVersion.js';
import {
  addReviewer,
  amendReport,
  caseAuditTrail,
  cellAuditTrail,
  auditEntryDetails,
  listSignatures,
  secondSign,
  signoffStatus,
  signReport,
  verifySignatures,
} from '../signoff/index.js';
import type { CaseDetailsRecord, CaseStore, Disagreement, ReviewerRecord, SignatureRecord } from '../store/index.js';
import type { ExportRequest, SignoffPort } from './ports.js';
import { storeId } from './storeId.js';

/** File extension of each export format. */
const EXTENSIONS: Record<ExportRequest['format'], string> = { pdf: '.pdf', csv: '.csv', fhir: '.json', geojson: '.geojson', bundle: '.marrowscope' };

/**
 * The SignoffPort over the real case store: the same core functions as `marrowscope sign`,
 * `report`, `bundle` and `audit`, so the UI and the CLI cannot disagree about a rule.
 */
export function signoffPortFrom(store: CaseStore, options: { appVersion?: string } = {}): SignoffPort {
  const appVersion = options.appVersion ?? packageVersion();
  const reportsDir = join(dirname(store.path), 'reports');
  const status = (runId: string): SignoffView => {
    const id = storeId(runId, 'analysis run');
    const st = signoffStatus(store, id);
    return {
      runId,
      runState: st.runStatus as SignoffView['runState'],
      locked: st.locked,
      latestVersion: st.latestVersion,
      openAmendment: st.openAmendment,
      deferredCells: st.deferredCells,
      hasSecondSignature: st.hasSecondSignature,
      blockedReason: st.blockedReason,
      versions: listSignatures(store, id).map((v) => ({
        version: v.version,
        status: v.status,
        reason: v.reason,
        openedBy: v.openedBy,
        openedAt: v.openedAt,
        signedAt: v.signedAt,
        signatures: v.signatures.map(signatureView),
      })),
      reviewers: store.reviewers.list().map(reviewerView),
      caseDetails: detailsView(store.caseDetails.current()),
      defaultExportDirectory: reportsDir,
    };
  };
  const model = (runId: string, draft: boolean, choice: DifferentialOptionsInput) =>
    buildReportModel(store, storeId(runId, 'analysis run'), { draft, appVersion, ...differentialOption(choice) });

  return {
    status,
    addReviewer: async (profile) => {
      await addReviewer(store, profile);
      return store.reviewers.list().map(reviewerView);
    },
    setCaseDetails: (details, actor) => detailsView(store.caseDetails.set(details, actor)),
    sign: async (req) => {
      await signReport(store, {
        runId: storeId(req.runId, 'analysis run'),
        initials: req.initials,
        password: req.password,
        meaning: req.meaning,
        overrideReason: req.overrideReason ?? null,
        differential: pickChoice(req),
      });
      return status(req.runId);
    },
    secondSign: async (req) => {
      await secondSign(store, {
        runId: storeId(req.runId, 'analysis run'),
        initials: req.initials,
        password: req.password,
        meaning: req.meaning,
        disagreements: (req.disagreements ?? []).map((d) => ({ cellId: storeId(d.cellId, 'cell'), labelCode: d.code, note: d.note ?? null })),
      });
      return status(req.runId);
    },
    amend: async (req) => {
      await amendReport(store, { runId: storeId(req.runId, 'analysis run'), initials: req.initials, password: req.password, reason: req.reason });
      return status(req.runId);
    },
    preview: (runId, o) => previewOf(runId, model(runId, o.draft, o)),
    export: async (req, actor): Promise<ExportResult> => {
      const id = storeId(req.runId, 'analysis run');
      const directory = exportDirectory(req.directory ?? reportsDir);
      const name = withExtension(req.fileName ?? defaultFileName(store, id, req.format, req.draft), EXTENSIONS[req.format]);
      const target = join(directory, name);
      return writing(target, async () => {
        if (req.format === 'bundle') {
          if (existsSync(target)) throw new AppError('VALIDATION_FAILED', `Expected a new file for the case bundle but ${target} already exists; choose another name`);
          const b = exportCaseBundle(store, target, actor);
          return { format: 'bundle', final: true, files: [{ path: b.path, bytes: b.bytes, sha256: b.sha256 }] };
        }
        const { report, files } = await exportReport(store, id, req.format, target, {
          draft: req.draft,
          appVersion,
          actor,
          ...differentialOption(req),
        });
        return { format: req.format, final: report.model.final, files };
      });
    },
    auditTrail: (q): AuditTrailView => {
      const chain = store.audit.verifyChain();
      const all = q.cellId !== undefined ? cellAuditTrail(store, storeId(q.cellId, 'cell')).entries : caseAuditTrail(store);
      const matching = q.actionPrefix ? all.filter((e) => e.action.startsWith(q.actionPrefix as string)) : all;
      const limit = q.limit ?? 500;
      return {
        cellId: q.cellId ?? null,
        entries: matching.slice(-limit).map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, entity: e.entity, summary: auditEntryDetails(e), hash: e.hash })),
        total: matching.length,
        chain: chain.ok
          ? { ok: true, entries: chain.entries, firstBrokenSeq: null, message: null }
          : { ok: false, entries: chain.entries, firstBrokenSeq: chain.firstBrokenSeq, message: chain.message },
        signatureProblems: verifySignatures(store).map((p) => p.message),
      };
    },
  };
}

function previewOf(runId: string, m: ReturnType<typeof buildReportModel>): ReportPreview {
  return {
    runId,
    final: m.final,
    generatedAt: m.generatedAt,
    appVersion: m.appVersion,
    version: m.version?.version ?? null,
    caseDetails: detailsView(m.caseDetails),
    slide: {
      name: basename(m.slide.path),
      vendor: m.slide.vendor,
      width: m.slide.width,
      height: m.slide.height,
      mpp: mppOf(m.slide.calibration),
      objectivePower: m.slide.objectivePower,
      quickHash: m.slide.quickHash,
    },
    model: { name: m.model.name, version: m.model.version, architecture: m.model.architecture, manifestHash: m.model.manifestHash },
    regions: m.regions,
    cellsDetected: m.cellsDetected,
    review: m.review,
    choice: m.choice,
    differential: m.differential,
    gallery: m.gallery.map((g) => ({
      category: g.category,
      name: g.name,
      color: g.color,
      count: g.count,
      cells: g.cells.map((c) => ({ cellId: String(c.id), code: c.code, cropUrl: cropPath(String(c.id)) })),
    })),
    signatures: m.signatures.map(signatureView),
    disagreements: m.disagreements.map(disagreementView),
    audit: m.audit,
    limitations: m.limitations,
  };
}

function signatureView(s: SignatureRecord): SignatureView {
  return {
    capacity: s.capacity,
    meaning: s.meaning,
    printedName: s.printedName,
    initials: s.initials,
    role: s.role,
    signedAt: s.signedAt,
    snapshotHash: s.snapshotHash,
    deferredCells: s.deferredCells,
    overrideReason: s.overrideReason,
    disagreements: s.disagreements.map(disagreementView),
  };
}

function disagreementView(d: Disagreement): DisagreementView {
  return { cellId: String(d.cellId), signedCode: d.signedCode, proposedCode: d.proposedCode, note: d.note };
}

function reviewerView(r: ReviewerRecord): ReviewerView {
  return { reviewerId: String(r.id), name: r.name, initials: r.initials, role: r.role, canSign: r.canSign };
}

function detailsView(d: CaseDetailsRecord | null): CaseDetailsView {
  return {
    caseNumber: d?.caseNumber ?? null,
    patientId: d?.patientId ?? null,
    patientName: d?.patientName ?? null,
    birthDate: d?.birthDate ?? null,
    specimen: d?.specimen ?? null,
    clinician: d?.clinician ?? null,
    enteredBy: d?.enteredBy ?? null,
    enteredAt: d?.enteredAt ?? null,
  };
}

/** A report's `differential` option, only when the request named a convention (a final report then checks it against the signed one). */
function differentialOption(o: DifferentialOptionsInput): { differential?: ReturnType<typeof pickChoice> } {
  const d = pickChoice(o);
  return Object.keys(d).length > 0 ? { differential: d } : {};
}

function pickChoice(o: DifferentialOptionsInput): { blastDefinition?: NonNullable<DifferentialOptionsInput['blastDefinition']>; meConvention?: NonNullable<DifferentialOptionsInput['meConvention']> } {
  return { ...(o.blastDefinition ? { blastDefinition: o.blastDefinition } : {}), ...(o.meConvention ? { meConvention: o.meConvention } : {}) };
}

/** An absolute folder, created when missing; a file in its place is refused. */
function exportDirectory(directory: string): string {
  if (!isAbsolute(directory)) throw new AppError('VALIDATION_FAILED', `Expected an absolute folder for the export but received ${JSON.stringify(directory)}`);
  const dir = resolve(directory);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new AppError('VALIDATION_FAILED', `Expected a folder for the export but ${dir} is a file`);
  } else {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new AppError('EXPORT_FAILED', `Could not create the export folder ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }
  return dir;
}

/** Runs a file export; a full disk is DISK_FULL, any other file-system failure EXPORT_FAILED (coded errors pass through). */
async function writing<T>(target: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new AppError('DISK_FULL', `The disk is full: ${target} could not be written`, { cause: err });
    throw new AppError('EXPORT_FAILED', `Could not write ${target}: ${(err as Error).message}`, { cause: err });
  }
}

function withExtension(name: string, ext: string): string {
  return extname(name).toLowerCase() === ext ? name : `${name}${ext}`;
}

/** e.g. "CASE-12 run 3 v2 signed.pdf", "run 3 draft.csv", "run 3 case bundle.marrowscope". */
function defaultFileName(store: CaseStore, runId: number, format: ExportRequest['format'], draft: boolean): string {
  const caseNumber = store.caseDetails.current()?.caseNumber?.replace(/[^\w.-]+/g, '_') ?? null;
  const prefix = caseNumber ? `${caseNumber} ` : '';
  if (format === 'bundle') return `${prefix}run ${runId} case bundle`;
  const latest = store.signoff.latest(runId);
  const state = draft || latest?.status !== 'signed' ? 'draft' : `v${latest.version} signed`;
  return `${prefix}run ${runId} ${state}${format === 'fhir' ? ' fhir' : ''}`;
}

