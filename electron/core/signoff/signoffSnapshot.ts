import { createHash } from 'node:crypto';
import type { BlastDefinitionName, MeConvention } from '../../shared/domain/differential/index.js';
import { BLAST_DEFINITIONS, computeDifferential } from '../../shared/domain/differential/index.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CaseStore, SignedSnapshot } from '../store/index.js';

/** The laboratory's choices that change the differential; signed with it, so a report reprints it the same way. */
export interface DifferentialChoice {
  readonly blastDefinition: BlastDefinitionName;
  readonly meConvention: MeConvention;
}

/** ICSH defaults. */
export const DEFAULT_DIFFERENTIAL_CHOICE: DifferentialChoice = Object.freeze({ blastDefinition: 'icsh', meConvention: 'icsh-with-monocytes' });

/** Checks a differential choice, naming the bad field. */
export function resolveDifferentialChoice(choice: Partial<DifferentialChoice> = {}): DifferentialChoice {
  const c = { ...DEFAULT_DIFFERENTIAL_CHOICE, ...choice };
  if (!Object.hasOwn(BLAST_DEFINITIONS, c.blastDefinition)) {
    throw new AppError('VALIDATION_FAILED', `Expected one of ${Object.keys(BLAST_DEFINITIONS).join(', ')} for blastDefinition but received ${JSON.stringify(c.blastDefinition)}`);
  }
  if (c.meConvention !== 'icsh-with-monocytes' && c.meConvention !== 'without-monocytes') {
    throw new AppError('VALIDATION_FAILED', `Expected icsh-with-monocytes or without-monocytes for meConvention but received ${JSON.stringify(c.meConvention)}`);
  }
  return c;
}

/**
 * What a signature binds to: the run and its model hashes, the case identifiers, the differential
 * choice, the per-code counts and the resulting rows and M:E ratio, and a sha256 digest of every
 * cell's current label (so any label change after signing, even one written behind the store's
 * back, no longer matches). Deterministic: the same case state gives the same snapshot.
 */
export function signoffSnapshot(store: CaseStore, runId: number, version: number, choice: DifferentialChoice): SignedSnapshot & { snapshot: SignoffSnapshot } {
  const run = store.runs.get(runId);
  const labels = store.signoff.currentLabels(runId);
  const digest = createHash('sha256');
  const counts: Record<string, number> = {};
  for (const [cellId, code] of labels) {
    digest.update(`${cellId}:${code}\n`);
    counts[code] = (counts[code] ?? 0) + 1;
  }
  const diff = computeDifferential(counts, { blastDefinition: BLAST_DEFINITIONS[choice.blastDefinition], meConvention: choice.meConvention });
  const details = store.caseDetails.current();
  const snapshot: SignoffSnapshot = {
    runId,
    version,
    slideId: run.slideId,
    manifestHash: run.manifestHash,
    memberHashes: run.memberHashes,
    choice,
    caseDetails: details === null ? null : { id: details.id, caseNumber: details.caseNumber, patientId: details.patientId, patientName: details.patientName, birthDate: details.birthDate, specimen: details.specimen, clinician: details.clinician },
    cells: labels.length,
    counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
    labelsDigest: digest.digest('hex'),
    ndcTotal: diff.ndcTotal,
    rows: diff.rows.map((r) => ({ category: r.category, count: r.count, percent: r.percent, low: r.interval?.low ?? null, high: r.interval?.high ?? null })),
    meRatio: { ratio: diff.meRatio.ratio, display: diff.meRatio.display, convention: diff.meRatio.convention },
    deferred: diff.deferred,
  };
  return { snapshot, deferredCells: diff.deferred };
}

/** The signed content (stored as canonical JSON; its sha256 is the signature's snapshot hash). */
export interface SignoffSnapshot {
  readonly runId: number;
  readonly version: number;
  readonly slideId: number;
  readonly manifestHash: string;
  readonly memberHashes: Readonly<Record<string, string>>;
  readonly choice: DifferentialChoice;
  readonly caseDetails: Record<string, unknown> | null;
  readonly cells: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly labelsDigest: string;
  readonly ndcTotal: number;
  readonly rows: readonly { category: string; count: number; percent: number | null; low: number | null; high: number | null }[];
  readonly meRatio: { ratio: number | null; display: string; convention: string };
  readonly deferred: number;
}
