import { isCellClassCode, DEFER_CODE } from '../../shared/domain/taxonomy.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CaseStore, Disagreement, ReportVersionRecord, ReviewerRecord, SignatureMeaning, SignatureRecord } from '../store/index.js';
import { hashPassword, verifyPassword } from './passwordHash.js';
import type { DifferentialChoice } from './signoffSnapshot.js';
import { resolveDifferentialChoice, signoffSnapshot } from './signoffSnapshot.js';

/** What every signing action asks for: who, and their password again (the electronic signature's two components). */
export interface SignerCredentials {
  readonly initials: string;
  readonly password: string;
}

/** Adds a reviewer profile; the password is stored only as a scrypt hash. */
export async function addReviewer(store: CaseStore, profile: { name: string; initials: string; role: string; password: string }): Promise<ReviewerRecord> {
  const hash = await hashPassword(profile.password);
  return store.reviewers.add({ name: profile.name, initials: profile.initials, role: profile.role }, hash);
}

/** Changes a reviewer's password after checking the current one. */
export async function changePassword(store: CaseStore, signer: SignerCredentials, newPassword: string): Promise<void> {
  const reviewer = await authenticate(store, signer, 'change a password');
  store.reviewers.setPasswordHash(reviewer.id, await hashPassword(newPassword));
}

/**
 * Checks a signer's initials and password. A failure is recorded in the audit log (an attempt to
 * sign under someone's name is itself worth knowing about) and thrown as AUTHENTICATION_FAILED.
 */
export async function authenticate(store: CaseStore, signer: SignerCredentials, doing: string): Promise<ReviewerRecord> {
  const reviewer = store.reviewers.findByInitials(signer.initials ?? '');
  const fail = (reason: string, message: string): never => {
    store.transaction(() =>
      store.audit.append({ actor: signer.initials || 'unknown', action: 'signoff.auth-failed', entity: reviewer ? `reviewer:${reviewer.id}` : 'reviewer:unknown', payload: { initials: signer.initials, doing, reason } }),
    );
    throw new AppError('AUTHENTICATION_FAILED', message);
  };
  if (reviewer === undefined) {
    return fail('unknown-reviewer', `No reviewer with initials ${JSON.stringify(signer.initials)} in this case file: add the profile first (marrowscope reviewer add); nothing was signed`);
  }
  const hash = store.reviewers.passwordHash(reviewer.id);
  if (hash === null) {
    return fail(
      'no-credential',
      `Reviewer ${reviewer.initials} (${reviewer.name}) has no password in this copy of the case (it arrived in a case bundle, which carries no credentials), so they cannot ${doing} here`,
    );
  }
  if (!(await verifyPassword(signer.password, hash))) {
    return fail('wrong-password', `The password for reviewer ${reviewer.initials} (${reviewer.name}) is not correct; could not ${doing}`);
  }
  return reviewer;
}

/** Refuses to sign a run that has not finished (its cells are not all there). */
function requireCompletedRun(store: CaseStore, runId: number): void {
  const run = store.runs.get(runId);
  if (run.status !== 'completed') {
    throw new AppError('SIGNOFF_BLOCKED', `Analysis run ${runId} is ${run.status}, not completed: only a completed analysis can be signed`);
  }
}

/**
 * The primary reviewer's electronic signature on a run's differential: re-checks the password,
 * freezes what is signed (snapshot + its hash), locks the run's labels. Refused with REPORT_SIGNED
 * when the latest version is already signed (amend first), with SIGNOFF_BLOCKED while cells are
 * deferred unless `overrideReason` is given, with AUTHENTICATION_FAILED for a wrong password.
 */
export async function signReport(
  store: CaseStore,
  request: SignerCredentials & { runId: number; meaning: SignatureMeaning; overrideReason?: string | null; differential?: Partial<DifferentialChoice> },
): Promise<SignatureRecord> {
  requireMeaning(request.meaning);
  requireCompletedRun(store, request.runId);
  const choice = resolveDifferentialChoice(request.differential);
  if (store.signoff.isLocked(request.runId)) {
    const v = store.signoff.latest(request.runId);
    throw new AppError('REPORT_SIGNED', `The report of analysis run ${request.runId} is already signed (version ${v?.version}); to change it, open an amendment and sign that`);
  }
  const override = request.overrideReason?.trim() || null;
  const deferred = store.review.deferredCount([request.runId]);
  if (deferred > 0 && override === null) {
    throw new AppError('SIGNOFF_BLOCKED', `Analysis run ${request.runId} has ${deferred} cell(s) marked "defer": classify them first, or sign with an override reason`);
  }
  const reviewer = await authenticate(store, request, `sign the report of analysis run ${request.runId}`);
  return store.signoff.signPrimary({
    runId: request.runId,
    reviewer,
    meaning: request.meaning,
    overrideReason: override,
    snapshotOf: (version) => signoffSnapshot(store, request.runId, version, choice),
  });
}

/**
 * The optional independent second reviewer's signature on the latest signed version, listing the
 * cells they would label differently (`labelCode` is theirs; the signed label is looked up).
 */
export async function secondSign(
  store: CaseStore,
  request: SignerCredentials & { runId: number; meaning: SignatureMeaning; disagreements?: readonly { cellId: number; labelCode: string; note?: string | null }[] },
): Promise<SignatureRecord> {
  requireMeaning(request.meaning);
  const latest = store.signoff.latest(request.runId);
  if (latest?.status !== 'signed') {
    throw new AppError('SIGNOFF_BLOCKED', `The report of analysis run ${request.runId} has no signed version to second-sign: the primary reviewer signs first`);
  }
  const labels = new Map(store.signoff.currentLabels(request.runId));
  const seen = new Set<number>();
  const disagreements: Disagreement[] = (request.disagreements ?? []).map((d, i) => {
    const signedCode = labels.get(d.cellId);
    if (signedCode === undefined) throw new AppError('VALIDATION_FAILED', `Expected a cell of analysis run ${request.runId} for disagreements[${i}].cellId but received ${d.cellId}`);
    if (!isCellClassCode(d.labelCode) || d.labelCode === DEFER_CODE) {
      throw new AppError('VALIDATION_FAILED', `Expected a cell class code other than DEFER for disagreements[${i}].labelCode but received ${JSON.stringify(d.labelCode)}`);
    }
    if (d.labelCode === signedCode) {
      throw new AppError('VALIDATION_FAILED', `disagreements[${i}]: cell ${d.cellId} is already labelled ${signedCode} in the signed version; that is agreement, not a disagreement`);
    }
    if (seen.has(d.cellId)) throw new AppError('VALIDATION_FAILED', `disagreements[${i}]: cell ${d.cellId} is listed twice`);
    seen.add(d.cellId);
    return { cellId: d.cellId, signedCode, proposedCode: d.labelCode, note: d.note?.trim() || null };
  });
  const reviewer = await authenticate(store, request, `second-sign the report of analysis run ${request.runId}`);
  return store.signoff.signSecond({ runId: request.runId, reviewer, meaning: request.meaning, disagreements });
}

/** Opens an amendment of a signed report (authenticated), so labels can change; the signed version is kept. */
export async function amendReport(store: CaseStore, request: SignerCredentials & { runId: number; reason: string }): Promise<ReportVersionRecord> {
  if (!request.reason?.trim()) throw new AppError('VALIDATION_FAILED', 'Expected a reason for the amendment but received nothing');
  if (!store.signoff.isLocked(request.runId)) {
    throw new AppError('VALIDATION_FAILED', `The report of analysis run ${request.runId} has no signed latest version to amend: ${store.signoff.latest(request.runId) ? 'an amendment is already open' : 'it is not signed yet'}`);
  }
  const reviewer = await authenticate(store, request, `amend the report of analysis run ${request.runId}`);
  return store.signoff.amend({ runId: request.runId, reviewer, reason: request.reason });
}

/** Every version of a run's report with its signatures (the sign-off dialog's history). */
export function listSignatures(store: CaseStore, runId: number): ReportVersionRecord[] {
  store.runs.get(runId);
  return store.signoff.versions(runId);
}

/** Where a run stands for sign-off: what the UI needs to enable the dialog and explain why not. */
export interface SignoffStatus {
  readonly runId: number;
  readonly runStatus: string;
  /** Latest version is signed: labels are read-only until an amendment is opened. */
  readonly locked: boolean;
  readonly latestVersion: number | null;
  readonly openAmendment: boolean;
  readonly deferredCells: number;
  readonly hasSecondSignature: boolean;
  /** Why a primary signature would be refused now, or null when it can proceed (the password is checked then). */
  readonly blockedReason: string | null;
}

/** The sign-off state of a run. */
export function signoffStatus(store: CaseStore, runId: number): SignoffStatus {
  const run = store.runs.get(runId);
  const latest = store.signoff.latest(runId);
  const deferred = store.review.deferredCount([runId]);
  const locked = latest?.status === 'signed';
  const blockedReason =
    run.status !== 'completed' ? `the analysis is ${run.status}`
    : locked ? `version ${latest.version} is signed; open an amendment to change it`
    : deferred > 0 ? `${deferred} cell(s) are marked "defer" (an override reason is needed)`
    : null;
  return {
    runId,
    runStatus: run.status,
    locked,
    latestVersion: latest?.version ?? null,
    openAmendment: latest?.status === 'open',
    deferredCells: deferred,
    hasSecondSignature: latest?.signatures.some((s) => s.capacity === 'second') ?? false,
    blockedReason,
  };
}

function requireMeaning(meaning: string): asserts meaning is SignatureMeaning {
  if (meaning !== 'reviewed' && meaning !== 'approved') {
    throw new AppError('VALIDATION_FAILED', `Expected reviewed or approved for the signature meaning but received ${JSON.stringify(meaning)}`);
  }
}
