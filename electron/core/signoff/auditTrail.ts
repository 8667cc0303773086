import type { AuditEntry, CaseStore, ReviewDecision } from '../store/index.js';

/** A cell's who-changed-what: every review decision on it and the audit entries that record them. */
export interface CellAuditTrail {
  readonly cellId: number;
  readonly runId: number;
  readonly predictedCode: string;
  readonly currentCode: string;
  readonly decisions: readonly ReviewDecision[];
  readonly entries: readonly AuditEntry[];
}

/** The audit view of one cell (the inspector's "history" panel, `marrowscope audit show --cell`). */
export function cellAuditTrail(store: CaseStore, cellId: number): CellAuditTrail {
  const cell = store.cells.get(cellId);
  const decisions = store.review.history(cellId);
  const ids = new Set(decisions.map((d) => d.id));
  const entries = store.audit
    .list({ limit: -1 })
    .filter((e) => {
      const p = e.payload as { cellIds?: unknown; decisionIds?: unknown; disagreements?: unknown } | null;
      if (p === null || typeof p !== 'object') return false;
      if (Array.isArray(p.cellIds) && p.cellIds.includes(cellId)) return true;
      if (Array.isArray(p.decisionIds) && p.decisionIds.some((d) => ids.has(d as number))) return true;
      return Array.isArray(p.disagreements) && p.disagreements.some((d) => (d as { cellId?: number }).cellId === cellId);
    });
  return { cellId, runId: cell.runId, predictedCode: cell.predictedCode, currentCode: cell.labelCode, decisions, entries };
}

/** The case's audit entries, newest last, optionally of one action prefix (e.g. "signoff.") or entity, from a seq, at most `limit`. */
export function caseAuditTrail(store: CaseStore, options: { actionPrefix?: string; entity?: string; fromSeq?: number; limit?: number } = {}): AuditEntry[] {
  const all = store.audit.list({ ...(options.entity ? { entity: options.entity } : {}), ...(options.fromSeq ? { fromSeq: options.fromSeq } : {}), limit: -1 });
  const filtered = options.actionPrefix ? all.filter((e) => e.action.startsWith(options.actionPrefix as string)) : all;
  return options.limit !== undefined && options.limit > 0 ? filtered.slice(-options.limit) : filtered;
}

/** What an audit entry changed, for people: "cells 12, 13; → M2", "approved by Dr A (v1)", "pdf (draft) run 3.pdf". */
export function auditEntryDetails(e: AuditEntry): string {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const bits: string[] = [];
  if (Array.isArray(p['cellIds'])) bits.push(`cells ${(p['cellIds'] as number[]).slice(0, 8).join(', ')}${(p['cellIds'] as number[]).length > 8 ? ', …' : ''}`);
  if (typeof p['labelCode'] === 'string') bits.push(`→ ${p['labelCode']}`);
  if (typeof p['meaning'] === 'string') bits.push(`${p['meaning']} by ${String(p['printedName'])} (v${String(p['version'])})`);
  if (typeof p['overrideReason'] === 'string') bits.push(`override: ${p['overrideReason']}`);
  if (typeof p['reason'] === 'string') bits.push(`reason: ${p['reason']}`);
  if (typeof p['format'] === 'string') bits.push(`${p['format']}${p['final'] === false ? ' (draft)' : ''} ${String(p['file'] ?? '')}`.trim());
  if (typeof p['note'] === 'string') bits.push(`note: ${p['note']}`);
  if (Array.isArray(p['disagreements']) && p['disagreements'].length > 0) bits.push(`${p['disagreements'].length} disagreement(s)`);
  return bits.join('; ');
}

/** One line describing an audit entry for people: "2026-11-27 06:10:03Z  AB  review.reclassify  review_batch:4  cells 12, 13; → M2". */
export function describeAuditEntry(e: AuditEntry): string {
  const details = auditEntryDetails(e);
  const at = e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return `${String(e.seq).padStart(5)}  ${at}  ${e.actor}  ${e.action}  ${e.entity}${details ? '  ' + details : ''}`;
}
