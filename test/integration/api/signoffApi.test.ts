import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { caseStorePortFrom } from '../../../electron/core/api/caseStorePortFrom.js';
import { createApiHandlers, type ApiHandlers } from '../../../electron/core/api/createApiHandlers.js';
import { ApiEvents } from '../../../electron/core/api/ApiEvents.js';
import { SlideSession } from '../../../electron/core/api/SlideSession.js';
import { signoffPortFrom } from '../../../electron/core/api/signoffPortFrom.js';
import { openCaseStore, type CaseStore } from '../../../electron/core/store/index.js';
import type { RequestName, ResponseOf } from '../../../electron/shared/api/contract.js';
import { noSlides, seedCaseFile } from '../../helpers/seedCaseFile.js';

function handlersFor(store: CaseStore): ApiHandlers {
  return createApiHandlers({
    slides: noSlides,
    store: caseStorePortFrom(store),
    signoff: signoffPortFrom(store, { appVersion: '9.9.9' }),
    analysis: null,
    proposer: null,
    events: new ApiEvents(),
    session: new SlideSession(),
    reviewer: 'tech-a',
    host: 'browser',
    version: '9.9.9',
    browseRoots: [],
  });
}

/** Calls a request and returns its value, failing the test with the host's error otherwise. */
async function ok<K extends RequestName>(api: ApiHandlers, name: K, payload: unknown): Promise<ResponseOf<K>> {
  const r = await (api[name] as (p: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>)(payload);
  if (!r.ok) assert.fail(`${name} failed: ${r.error?.code} ${r.error?.message}`);
  return r.value as ResponseOf<K>;
}

async function refused(api: ApiHandlers, name: RequestName, payload: unknown): Promise<{ code: string; message: string }> {
  const r = await (api[name] as (p: unknown) => Promise<{ ok: boolean; error?: { code: string; message: string } }>)(payload);
  assert.equal(r.ok, false, `${name} should have been refused`);
  return r.error!;
}

test('sign-off over the API: reviewers, case details, draft and final reports, locking, second reviewer, amendment, audit views', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-signoff-api-'));
  const path = join(dir, 'case.marrowscope');
  const { store, runId } = await seedCaseFile(path);
  const run = String(runId);
  try {
    const api = handlersFor(store);
    let st = await ok(api, 'getSignoff', { runId: run });
    assert.equal(st.locked, false);
    assert.equal(st.reviewers.length, 0);
    assert.equal(st.blockedReason, null);
    assert.equal(st.defaultExportDirectory, join(dir, 'reports'));

    // Profiles: a short password is refused with a coded error and nothing is added.
    assert.equal((await refused(api, 'addReviewer', { name: 'Dr Ada Byron', initials: 'AB', role: 'Consultant haematologist', password: 'short' })).code, 'VALIDATION_FAILED');
    await ok(api, 'addReviewer', { name: 'Dr Ada Byron', initials: 'AB', role: 'Consultant haematologist', password: 'correct horse 1' });
    const reviewers = await ok(api, 'addReviewer', { name: 'Dr Carl Dee', initials: 'CD', role: 'Haematopathologist', password: 'battery staple 2' });
    assert.deepEqual(reviewers.map((r) => [r.initials, r.canSign]), [['AB', true], ['CD', true]]);
    assert.ok(!JSON.stringify(reviewers).includes('correct horse'), 'no password comes back');

    const details = await ok(api, 'setCaseDetails', { caseNumber: 'BM-26-0042', patientId: 'P-778', patientName: 'Test Patient', birthDate: '1960-02-29', specimen: 'Left iliac crest aspirate' });
    assert.equal(details.caseNumber, 'BM-26-0042');
    assert.equal(details.enteredBy, 'tech-a');
    assert.equal((await refused(api, 'setCaseDetails', { birthDate: '29/02/1960' })).code, 'VALIDATION_FAILED');

    // A draft can be previewed and exported before anything is signed; a final report cannot.
    const draft = await ok(api, 'previewReport', { runId: run, draft: true });
    assert.equal(draft.final, false);
    assert.equal(draft.caseDetails.patientId, 'P-778');
    assert.equal(draft.cellsDetected, 40);
    assert.ok(draft.gallery.length > 0 && draft.gallery.every((g) => g.cells.every((c) => c.cropUrl.includes(c.cellId))));
    assert.ok(draft.limitations.some((l) => /RESEARCH USE ONLY/.test(l)));
    assert.equal((await refused(api, 'previewReport', { runId: run, draft: false })).code, 'SIGNOFF_BLOCKED');
    assert.equal((await refused(api, 'exportReport', { runId: run, format: 'pdf', draft: false })).code, 'SIGNOFF_BLOCKED');
    const csv = await ok(api, 'exportReport', { runId: run, format: 'csv', draft: true });
    assert.equal(csv.final, false);
    assert.ok(csv.files.length >= 2, 'a differential file and a cell list');
    assert.match(csv.files[0]!.path, /reports\/BM-26-0042 run \d+ draft\.csv$/);
    const summaryCsv = csv.files.find((f) => f.path.endsWith('draft-summary.csv'));
    assert.ok(summaryCsv && readFileSync(summaryCsv.path, 'utf8').includes('P-778'), csv.files.map((f) => f.path).join(', '));
    // The same name again is refused, not overwritten; a relative folder or a name with a folder is refused.
    assert.equal((await refused(api, 'exportReport', { runId: run, format: 'csv', draft: true })).code, 'VALIDATION_FAILED');
    assert.equal((await refused(api, 'exportReport', { runId: run, format: 'csv', draft: true, directory: 'reports' })).code, 'VALIDATION_FAILED');
    assert.equal((await refused(api, 'exportReport', { runId: run, format: 'csv', draft: true, fileName: '../escape' })).code, 'VALIDATION_FAILED');
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    assert.equal((await refused(api, 'exportReport', { runId: run, format: 'pdf', draft: true, directory: blocker })).code, 'VALIDATION_FAILED');

    // Deferred cells block signing unless an override reason is given; a wrong password is refused and audited.
    const cells = (await ok(api, 'listCells', { runId: run, order: 'position', limit: 5 })).cells;
    await ok(api, 'defer', { runId: run, cellIds: [cells[0]!.cellId] });
    await ok(api, 'reclassify', { runId: run, cellIds: [cells[1]!.cellId], code: 'M6' });
    st = await ok(api, 'getSignoff', { runId: run });
    assert.equal(st.deferredCells, 1);
    assert.match(st.blockedReason ?? '', /defer/);
    assert.equal((await refused(api, 'signReport', { runId: run, initials: 'AB', password: 'correct horse 1', meaning: 'approved' })).code, 'SIGNOFF_BLOCKED');
    assert.equal((await refused(api, 'signReport', { runId: run, initials: 'AB', password: 'wrong', meaning: 'approved', overrideReason: 'Smudge cell, not classifiable' })).code, 'AUTHENTICATION_FAILED');
    st = await ok(api, 'signReport', { runId: run, initials: 'AB', password: 'correct horse 1', meaning: 'approved', overrideReason: 'Smudge cell, not classifiable' });
    assert.equal(st.locked, true);
    assert.equal(st.latestVersion, 1);
    const sig = st.versions[0]!.signatures[0]!;
    assert.deepEqual([sig.capacity, sig.meaning, sig.printedName, sig.overrideReason], ['primary', 'approved', 'Dr Ada Byron', 'Smudge cell, not classifiable']);

    // Locked: labels and case details cannot change; signing again is refused.
    assert.equal((await refused(api, 'reclassify', { runId: run, cellIds: [cells[2]!.cellId], code: 'L2' })).code, 'REPORT_SIGNED');
    assert.equal((await refused(api, 'setCaseDetails', { clinician: 'Dr Someone' })).code, 'REPORT_SIGNED');
    assert.equal((await refused(api, 'signReport', { runId: run, initials: 'AB', password: 'correct horse 1', meaning: 'approved', overrideReason: 'again' })).code, 'REPORT_SIGNED');

    // The final report now exists, carries the signature, and its PDF is written and audited.
    const final = await ok(api, 'previewReport', { runId: run, draft: false });
    assert.equal(final.final, true);
    assert.equal(final.version, 1);
    assert.equal(final.signatures[0]!.printedName, 'Dr Ada Byron');
    assert.equal(final.audit.chainIntact, true);
    const pdf = await ok(api, 'exportReport', { runId: run, format: 'pdf', draft: false });
    assert.equal(pdf.final, true);
    assert.match(pdf.files[0]!.path, /BM-26-0042 run \d+ v1 signed\.pdf$/);
    assert.equal(readFileSync(pdf.files[0]!.path).subarray(0, 5).toString(), '%PDF-');

    // Second reviewer, with one disagreement; then an amendment re-opens the labels and keeps version 1.
    st = await ok(api, 'secondSign', { runId: run, initials: 'CD', password: 'battery staple 2', meaning: 'reviewed', disagreements: [{ cellId: cells[3]!.cellId, code: 'M1', note: 'looks myeloid' }] });
    assert.equal(st.hasSecondSignature, true);
    const second = st.versions[0]!.signatures.find((s) => s.capacity === 'second')!;
    assert.deepEqual(second.disagreements.map((d) => [d.cellId, d.proposedCode, d.note]), [[cells[3]!.cellId, 'M1', 'looks myeloid']]);
    assert.equal((await refused(api, 'amendReport', { runId: run, initials: 'AB', password: 'correct horse 1', reason: ' ' })).code, 'VALIDATION_FAILED');
    st = await ok(api, 'amendReport', { runId: run, initials: 'AB', password: 'correct horse 1', reason: 'Second reviewer disagreement on one cell' });
    assert.deepEqual([st.locked, st.openAmendment, st.latestVersion], [false, true, 2]);
    assert.deepEqual(st.versions.map((v) => [v.version, v.status]), [[1, 'signed'], [2, 'open']]);
    await ok(api, 'reclassify', { runId: run, cellIds: [cells[3]!.cellId], code: 'M1' });

    // A case bundle is one file beside the reports.
    const bundle = await ok(api, 'exportReport', { runId: run, format: 'bundle', draft: false, fileName: 'for second opinion' });
    assert.match(bundle.files[0]!.path, /for second opinion\.marrowscope$/);
    assert.ok(existsSync(bundle.files[0]!.path));

    // Audit views: the case trail has every signature and export; the cell trail has its decisions.
    const trail = await ok(api, 'getAuditTrail', {});
    assert.equal(trail.chain.ok, true);
    assert.deepEqual(trail.signatureProblems, []);
    const actions = trail.entries.map((e) => e.action);
    for (const a of ['signoff.auth-failed', 'report.export', 'bundle.export']) assert.ok(actions.includes(a), `case trail has ${a}: ${[...new Set(actions)].join(', ')}`);
    assert.ok(actions.some((a) => a.startsWith('signoff.') && a !== 'signoff.auth-failed'));
    const signoffOnly = await ok(api, 'getAuditTrail', { actionPrefix: 'signoff.' });
    assert.ok(signoffOnly.entries.length >= 3 && signoffOnly.entries.every((e) => e.action.startsWith('signoff.')));
    const limited = await ok(api, 'getAuditTrail', { limit: 2 });
    assert.equal(limited.entries.length, 2);
    assert.equal(limited.total, trail.total);
    const cellTrail = await ok(api, 'getAuditTrail', { cellId: cells[1]!.cellId });
    assert.equal(cellTrail.cellId, cells[1]!.cellId);
    assert.ok(cellTrail.entries.some((e) => e.action === 'review.reclassify' && e.summary.includes('M6')), JSON.stringify(cellTrail.entries));
    assert.equal((await refused(api, 'getAuditTrail', { cellId: '999999' })).code, 'NOT_FOUND');
  } finally {
    store.close();
  }

  // Tampering with one audit row (outside the app) shows in the case audit view as a broken chain.
  const raw = new Database(path);
  raw.exec('DROP TRIGGER audit_log_no_update');
  raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").run();
  raw.close();
  const reopened = openCaseStore(path, { create: false });
  try {
    const trail = await ok(handlersFor(reopened), 'getAuditTrail', {});
    assert.equal(trail.chain.ok, false);
    assert.equal(trail.chain.firstBrokenSeq, 3);
  } finally {
    reopened.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
