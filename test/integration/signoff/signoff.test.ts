import { test } from 'node:test';
import assert from 'node:assert/strict';
import { amendReport, listSignatures, secondSign, signoffStatus, signReport, verifySignatures } from '../../../electron/core/signoff/index.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { buildFixtureCase, PASSWORDS, tempCase } from '../report/reportFixture.js';

const coded = (code: string, re?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof AppError, `expected an AppError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (re) assert.match(e.message, re);
  return true;
};

test('signing locks the run: the signature records who, when and what it means; later decisions are refused until an amendment', async (t) => {
  const tmp = tempCase();
  t.after(tmp.cleanup);
  const { store, runId, cellIdsByCode } = await buildFixtureCase(tmp.db);
  t.after(() => store.close());
  const m1 = cellIdsByCode.get('M1')!;
  store.review.decide({ cellIds: [m1[0]!], action: 'reclassify', labelCode: 'M2', reviewer: 'AB' });

  const sig = await signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approved' });
  assert.deepEqual([sig.printedName, sig.initials, sig.role, sig.meaning, sig.capacity, sig.version], ['Dr Alice Brown', 'AB', 'Consultant haematologist', 'approved', 'primary', 1]);
  assert.match(sig.signedAt, /^\d{4}-\d{2}-\d{2}T/);
  const entry = store.audit.list({ fromSeq: sig.auditSeq, limit: 1 })[0]!;
  assert.equal(entry.action, 'signoff.sign');
  assert.equal(entry.hash, sig.auditHash);
  assert.equal(entry.actor, 'AB');
  assert.equal(signoffStatus(store, runId).locked, true);

  // The lock is a trigger: the store's own review API cannot change a signed run's labels.
  assert.throws(() => store.review.decide({ cellIds: [m1[1]!], action: 'reclassify', labelCode: 'M3', reviewer: 'AB' }), coded('REPORT_SIGNED', /open an amendment/));
  assert.throws(() => store.review.undo('AB'), coded('REPORT_SIGNED', /open an amendment/));
  // Case details printed on the signed report are locked too.
  assert.throws(() => store.caseDetails.set({ patientName: 'Someone Else' }, 'AB'), coded('REPORT_SIGNED'));
  // Signing a locked case is refused, naming the way forward.
  await assert.rejects(signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approved' }), coded('REPORT_SIGNED', /amendment/));

  // Amendment: a new version; the signed one is kept with its snapshot.
  const v2 = await amendReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, reason: 'Cell 2 is a promyelocyte on review' });
  assert.equal(v2.version, 2);
  assert.equal(signoffStatus(store, runId).locked, false);
  store.review.decide({ cellIds: [m1[1]!], action: 'reclassify', labelCode: 'M2', reviewer: 'AB' });
  const sig2 = await signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approved' });
  assert.equal(sig2.version, 2);
  const versions = listSignatures(store, runId);
  assert.deepEqual(versions.map((v) => [v.version, v.status, v.reason]), [[1, 'signed', null], [2, 'signed', 'Cell 2 is a promyelocyte on review']]);
  const [s1, s2] = versions.map((v) => v.snapshot as { counts: Record<string, number> });
  assert.equal(s1!.counts['M1'], 16, 'version 1 keeps the labels it signed');
  assert.equal(s2!.counts['M1'], 15);
  assert.notEqual(versions[0]!.snapshotHash, versions[1]!.snapshotHash);
  assert.deepEqual(verifySignatures(store), []);
  assert.equal(store.audit.verifyChain().ok, true);
});

test('a wrong password, an unknown signer and deferred cells without an override are refused with clear errors and nothing is signed', async (t) => {
  const tmp = tempCase();
  t.after(tmp.cleanup);
  const { store, runId, cellIdsByCode } = await buildFixtureCase(tmp.db);
  t.after(() => store.close());
  await assert.rejects(signReport(store, { runId, initials: 'AB', password: 'wrong password!', meaning: 'approved' }), coded('AUTHENTICATION_FAILED', /password for reviewer AB \(Dr Alice Brown\) is not correct/));
  await assert.rejects(signReport(store, { runId, initials: 'ZZ', password: PASSWORDS.AB, meaning: 'approved' }), coded('AUTHENTICATION_FAILED', /No reviewer with initials "ZZ"/));
  await assert.rejects(signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approve' as 'approved' }), coded('VALIDATION_FAILED', /reviewed or approved/));
  const failures = store.audit.list().filter((e) => e.action === 'signoff.auth-failed');
  assert.deepEqual(failures.map((e) => (e.payload as { reason: string }).reason), ['wrong-password', 'unknown-reviewer'], 'failed attempts are audited');
  assert.equal(JSON.stringify(failures).includes(PASSWORDS.AB), false, 'no password in the audit log');
  assert.equal(JSON.stringify(failures).includes('wrong password!'), false);

  store.review.decide({ cellIds: cellIdsByCode.get('L2')!.slice(0, 2), action: 'defer', reviewer: 'AB' });
  await assert.rejects(signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approved' }), coded('SIGNOFF_BLOCKED', /2 cell\(s\) marked "defer".*override reason/));
  await assert.rejects(signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approved', overrideReason: '   ' }), coded('SIGNOFF_BLOCKED'));
  assert.equal(signoffStatus(store, runId).locked, false);
  assert.equal(listSignatures(store, runId).length, 0);

  const sig = await signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'reviewed', overrideReason: 'Two smudged cells, not classifiable' });
  assert.equal(sig.deferredCells, 2);
  assert.equal(sig.overrideReason, 'Two smudged cells, not classifiable');
});

test('an independent second reviewer signs after the first, with disagreements listed; the same person cannot sign twice', async (t) => {
  const tmp = tempCase();
  t.after(tmp.cleanup);
  const { store, runId, cellIdsByCode } = await buildFixtureCase(tmp.db);
  t.after(() => store.close());
  const m1 = cellIdsByCode.get('M1')!;
  await assert.rejects(secondSign(store, { runId, initials: 'CD', password: PASSWORDS.CD, meaning: 'reviewed' }), coded('SIGNOFF_BLOCKED', /primary reviewer signs first/));
  await signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approved' });
  await assert.rejects(secondSign(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'reviewed' }), coded('SIGNOFF_BLOCKED', /must be someone else/));
  await assert.rejects(
    secondSign(store, { runId, initials: 'CD', password: PASSWORDS.CD, meaning: 'reviewed', disagreements: [{ cellId: m1[0]!, labelCode: 'M1' }] }),
    coded('VALIDATION_FAILED', /agreement, not a disagreement/),
  );
  const sig = await secondSign(store, {
    runId,
    initials: 'CD',
    password: PASSWORDS.CD,
    meaning: 'reviewed',
    disagreements: [{ cellId: m1[0]!, labelCode: 'M2', note: 'granules' }, { cellId: m1[1]!, labelCode: 'L2' }],
  });
  assert.equal(sig.capacity, 'second');
  assert.deepEqual(sig.disagreements, [
    { cellId: m1[0], signedCode: 'M1', proposedCode: 'M2', note: 'granules' },
    { cellId: m1[1], signedCode: 'M1', proposedCode: 'L2', note: null },
  ]);
  assert.equal(sig.snapshotHash, listSignatures(store, runId)[0]!.snapshotHash, 'both signatures bind the same snapshot');
  // The second reviewer's opinion does not change the signed labels.
  assert.equal(store.review.currentLabel(m1[0]!).labelCode, 'M1');
  await assert.rejects(secondSign(store, { runId, initials: 'CD', password: PASSWORDS.CD, meaning: 'reviewed' }), coded('REPORT_SIGNED', /already has a second/));
  assert.deepEqual(verifySignatures(store), []);
});
