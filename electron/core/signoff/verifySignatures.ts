import type { CaseStore } from '../store/index.js';
import { snapshotHash } from '../store/index.js';
import type { SignoffSnapshot } from './signoffSnapshot.js';
import { signoffSnapshot } from './signoffSnapshot.js';

/** One problem found with a signature or signed version. */
export interface SignatureProblem {
  readonly runId: number;
  readonly version: number;
  readonly message: string;
}

/**
 * Checks every signature against what it claims to sign, beyond the audit chain itself:
 * - each signed version's stored snapshot still hashes to its recorded hash;
 * - each signature's audit entry exists at its recorded seq with its recorded hash, records the
 *   same signer, meaning and snapshot hash;
 * - for a run whose latest version is signed (locked), the live labels still give the signed
 *   snapshot: a label changed behind the store's back (triggers dropped) shows here.
 */
export function verifySignatures(store: CaseStore): SignatureProblem[] {
  const problems: SignatureProblem[] = [];
  const versions = store.signoff.allVersionsRaw();
  const latestByRun = new Map<number, number>();
  for (const v of versions) latestByRun.set(v.runId, Math.max(latestByRun.get(v.runId) ?? 0, v.version));
  for (const v of versions) {
    if (v.status !== 'signed' || v.snapshot === null) continue;
    const parsed = JSON.parse(v.snapshot) as SignoffSnapshot;
    if (snapshotHash(parsed) !== v.snapshotHash) {
      problems.push({ runId: v.runId, version: v.version, message: `Signed version ${v.version} of run ${v.runId}: its stored snapshot no longer matches its hash (edited after signing)` });
    }
    if (latestByRun.get(v.runId) === v.version) {
      const live = signoffSnapshot(store, v.runId, v.version, parsed.choice).snapshot;
      if (snapshotHash(live) !== v.snapshotHash) {
        problems.push({
          runId: v.runId,
          version: v.version,
          message: `Run ${v.runId} is locked by signed version ${v.version}, but its current labels or case details differ from what was signed${live.labelsDigest !== parsed.labelsDigest ? ' (cell labels changed)' : ''}`,
        });
      }
    }
  }
  const bySeq = new Map(store.audit.list({ limit: -1 }).filter((e) => e.action === 'signoff.sign' || e.action === 'signoff.second').map((e) => [e.seq, e]));
  for (const s of store.signoff.allSignatures()) {
    const entry = bySeq.get(s.auditSeq);
    const p = entry?.payload as Record<string, unknown> | undefined;
    const where = `Signature ${s.id} (${s.printedName}, ${s.capacity}, version ${s.version} of run ${s.runId})`;
    if (entry === undefined || entry.hash !== s.auditHash) {
      problems.push({ runId: s.runId, version: s.version, message: `${where}: its audit entry ${s.auditSeq} is missing or was re-hashed` });
    } else if (p?.['snapshotHash'] !== s.snapshotHash || p?.['reviewerId'] !== s.reviewerId || p?.['meaning'] !== s.meaning || p?.['printedName'] !== s.printedName) {
      problems.push({ runId: s.runId, version: s.version, message: `${where}: differs from its audit entry ${s.auditSeq} (edited after signing)` });
    }
  }
  return problems;
}
