import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { CATEGORY_COLORS } from '../../shared/domain/classColors.js';
import { BLAST_DEFINITIONS, CATEGORY_NAMES, categoryOf, computeDifferential } from '../../shared/domain/differential/index.js';
import { polygonArea } from '../../shared/domain/geometry.js';
import type { NdcCategory } from '../../shared/domain/taxonomy.js';
import { COUNTED_CATEGORIES, EXCLUDED_CATEGORIES } from '../../shared/domain/taxonomy.js';
import { AppError } from '../../shared/errors/AppError.js';
import { defaultManifestPath } from '../paths.js';
import type { DifferentialChoice, SignoffSnapshot } from '../signoff/signoffSnapshot.js';
import { resolveDifferentialChoice } from '../signoff/signoffSnapshot.js';
import { verifySignatures } from '../signoff/verifySignatures.js';
import type { CaseStore, CellSummary } from '../store/index.js';
import type { GalleryRow, ReportModel, ReportModelInfo } from './ReportModel.js';

/** How to build a report. */
export interface BuildReportOptions {
  /** A draft may be made from an unsigned (or amended, unsigned) case; it is marked DRAFT on every page. */
  readonly draft?: boolean;
  /** The differential choice for a draft; a final report uses the one that was signed. */
  readonly differential?: Partial<DifferentialChoice>;
  /** Manifests to look the run's model name and version up in (matched by sha256); default: the shipped one. */
  readonly manifestPaths?: readonly string[];
  /** Representative cells per category in the gallery (default 8). */
  readonly galleryPerClass?: number;
  readonly appVersion: string;
  readonly now?: () => Date;
}

/** What every report says about its status as a research tool until it is validated. */
export const LIMITATIONS: readonly string[] = [
  'RESEARCH USE ONLY. Marrowscope is not validated for clinical diagnosis; results must not be used for patient management without review by a qualified haematologist and a laboratory validation of this workflow.',
  'Cells were detected and classified automatically from the scanned regions listed above; a reviewer checked and corrected labels as recorded in the audit log. Cells outside the counted regions were not assessed.',
  'Percentages are of the nucleated differential count (NDC); intervals are 95% Wilson score intervals for counting error only and do not include classification error or smear sampling variation.',
  'Megakaryocytes, mitoses, artifacts, platelet clumps, non-nucleated red cells, other cells and deferred cells are outside the NDC and listed separately.',
];

/**
 * Gathers a report's content for one analysis run. A final report needs the run's latest version
 * signed, an intact audit chain and signatures that still match the case (else SIGNOFF_BLOCKED or
 * AUDIT_CHAIN_BROKEN); `draft: true` prints the current state of any completed run, marked DRAFT.
 */
export function buildReportModel(store: CaseStore, runId: number, options: BuildReportOptions): ReportModel {
  const run = store.runs.get(runId);
  const draft = options.draft ?? false;
  const versions = store.signoff.versions(runId);
  const latest = versions.at(-1) ?? null;
  if (run.status !== 'completed') {
    throw new AppError('SIGNOFF_BLOCKED', `Analysis run ${runId} is ${run.status}, not completed: no report can be made from it`);
  }
  const chain = store.audit.verifyChain();
  let choice: DifferentialChoice;
  if (!draft) {
    if (latest === null || latest.status !== 'signed') {
      throw new AppError(
        'SIGNOFF_BLOCKED',
        latest === null
          ? `The report of analysis run ${runId} is not signed: a final report needs a signature (marrowscope sign), or export it marked as a draft (--draft)`
          : `Version ${latest.version} of the report of analysis run ${runId} is an open amendment, not signed: sign it for a final report, or export a draft (--draft)`,
      );
    }
    if (!chain.ok) throw new AppError('AUDIT_CHAIN_BROKEN', `Cannot issue a final report: ${chain.message}`);
    const problems = verifySignatures(store).filter((p) => p.runId === runId);
    if (problems.length > 0) throw new AppError('AUDIT_CHAIN_BROKEN', `Cannot issue a final report: ${problems.map((p) => p.message).join('; ')}`);
    if (options.differential !== undefined) {
      const signed = (latest.snapshot as SignoffSnapshot).choice;
      const asked = resolveDifferentialChoice(options.differential);
      if (asked.blastDefinition !== signed.blastDefinition || asked.meConvention !== signed.meConvention) {
        throw new AppError('VALIDATION_FAILED', `A final report prints the differential as signed (${signed.blastDefinition}, ${signed.meConvention}); other choices are only possible in a draft`);
      }
    }
    choice = (latest.snapshot as SignoffSnapshot).choice;
  } else {
    choice = resolveDifferentialChoice(options.differential ?? (latest?.snapshot as SignoffSnapshot | null)?.choice ?? {});
  }
  const version = latest;

  const labels = store.signoff.currentLabels(runId);
  const counts: Record<string, number> = {};
  for (const [, code] of labels) counts[code] = (counts[code] ?? 0) + 1;
  const differential = computeDifferential(counts, { blastDefinition: BLAST_DEFINITIONS[choice.blastDefinition], meConvention: choice.meConvention });

  const slide = store.slides.get(run.slideId);
  const regions = store.regions.list(runId);
  const mpp = slide.calibration.kind === 'calibrated' ? slide.calibration : null;
  const areaPx = regions.reduce((s, r) => s + r.geometry.coordinates.reduce((a, ring, i) => {
    const pts = ring.map(([x, y]) => ({ x, y }));
    const ar = polygonArea({ exterior: pts, holes: [] });
    return i === 0 ? a + ar : a - ar;
  }, 0), 0);

  const signatures = version?.status === 'signed' ? version.signatures : [];
  const head = store.audit.head();
  const reviewedCells = store.cells.byUncertainty(runId, { limit: 1_000_000 }).filter((c) => c.reviewed);
  return {
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    appVersion: options.appVersion,
    final: !draft,
    version,
    versions,
    signatures,
    disagreements: signatures.find((s) => s.capacity === 'second')?.disagreements ?? [],
    caseDetails: store.caseDetails.current(),
    slide,
    run,
    model: modelInfo(run.manifestHash, run.memberHashes, options.manifestPaths ?? [defaultManifestPath()], run.parameters['model']),
    regions: {
      count: regions.length,
      manual: regions.filter((r) => r.source === 'manual').length,
      automatic: regions.filter((r) => r.source === 'automatic').length,
      areaMm2: mpp === null ? null : (areaPx * mpp.x * mpp.y) / 1e6,
    },
    cellsDetected: labels.length,
    review: {
      reviewedCells: reviewedCells.length,
      relabelledCells: reviewedCells.filter((c) => c.labelCode !== c.predictedCode).length,
      deferredCells: differential.deferred,
    },
    choice,
    differential,
    gallery: gallery(store, runId, counts, choice, options.galleryPerClass ?? 8),
    audit: { headSeq: head?.seq ?? 0, headHash: head?.hash ?? '', chainIntact: chain.ok },
    limitations: LIMITATIONS,
  };
}

/** The model's name and version from whichever known manifest has the run's manifest hash. */
function modelInfo(manifestHash: string, memberHashes: Readonly<Record<string, string>>, paths: readonly string[], recorded?: unknown): ReportModelInfo {
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const bytes = readFileSync(p);
    if (createHash('sha256').update(bytes).digest('hex') !== manifestHash) continue;
    const m = JSON.parse(bytes.toString('utf8')) as { name?: string; version?: string; architecture?: string };
    return { name: m.name ?? null, version: m.version ?? null, architecture: m.architecture ?? null, manifestHash, memberHashes };
  }
  // Else what the run recorded when it started (runs store the manifest's name and version).
  const r = (recorded ?? {}) as { name?: unknown; version?: unknown };
  return { name: typeof r.name === 'string' ? r.name : null, version: typeof r.version === 'string' ? r.version : null, architecture: null, manifestHash, memberHashes };
}

/** Up to `perClass` cells per category: reviewed first, then the most certain (lowest entropy). */
function gallery(store: CaseStore, runId: number, counts: Record<string, number>, choice: DifferentialChoice, perClass: number): GalleryRow[] {
  const byCategory = new Map<NdcCategory, { codes: string[]; count: number }>();
  for (const [code, n] of Object.entries(counts)) {
    const category = categoryOf(code, BLAST_DEFINITIONS[choice.blastDefinition]);
    const e = byCategory.get(category) ?? { codes: [], count: 0 };
    e.codes.push(code);
    e.count += n;
    byCategory.set(category, e);
  }
  const rows: GalleryRow[] = [];
  for (const category of [...COUNTED_CATEGORIES, ...EXCLUDED_CATEGORIES] as NdcCategory[]) {
    const e = byCategory.get(category);
    if (e === undefined || e.count === 0) continue;
    const candidates: CellSummary[] = e.codes.flatMap((code) => store.cells.byLabel(runId, code, { limit: 400 }));
    candidates.sort((a, b) => Number(b.reviewed) - Number(a.reviewed) || (a.entropy ?? Infinity) - (b.entropy ?? Infinity) || a.id - b.id);
    rows.push({
      category,
      name: CATEGORY_NAMES[category],
      color: CATEGORY_COLORS[category],
      count: e.count,
      cells: candidates.slice(0, perClass).map((c) => ({ id: c.id, code: c.labelCode, crop: store.cells.crop(c.id) })),
    });
  }
  return rows;
}
