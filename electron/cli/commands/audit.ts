import { resolve } from 'node:path';
import { caseAuditTrail, cellAuditTrail, describeAuditEntry, verifySignatures } from '../../core/signoff/index.js';
import { inspectCaseFile, LATEST_SCHEMA_VERSION, openCaseStore } from '../../core/store/index.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';

const USAGE = [
  'marrowscope audit verify <case file> [--head SEQ:SHA256] [--json]',
  'marrowscope audit show <case file> [--cell ID] [--action PREFIX] [--entity ENTITY] [--limit N] [--json]',
].join('\n  ');

/** `marrowscope audit`: verify the hash-chained audit log (and signatures), or list who changed what and when. */
const audit: CliCommand = {
  name: 'audit',
  summary: 'Verify the audit chain and signatures of a case file, or show its audit trail',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, {
      head: { type: 'string' },
      cell: { type: 'string' },
      action: { type: 'string' },
      entity: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [sub, db, ...rest] = positionals;
    if ((sub !== 'verify' && sub !== 'show') || !db || rest.length > 0) {
      throw new AppError('VALIDATION_FAILED', `Expected "audit verify|show <case file>" but received ${JSON.stringify(positionals.join(' '))}. Usage:\n  ${USAGE}`);
    }
    const json = values.json === true;
    const path = resolve(db);
    if (sub === 'verify') {
      const inspection = inspectCaseFile(path);
      if (inspection.integrity[0] !== 'ok') throw new AppError('STORE_FAILED', `Case file ${path} is damaged: ${inspection.integrity.slice(0, 3).join('; ')}`);
      if (!inspection.audit.ok) {
        throw new AppError('AUDIT_CHAIN_BROKEN', `${inspection.audit.message} (first broken entry: ${inspection.audit.firstBrokenSeq}; ${inspection.audit.entries} entries before it verify)`);
      }
      if (values.head !== undefined) checkHead(path, values.head, inspection.head);
      let signatures = 0;
      if (inspection.schemaVersion === LATEST_SCHEMA_VERSION) {
        const store = openCaseStore(path, { create: false, readonly: true });
        try {
          const problems = verifySignatures(store);
          if (problems.length > 0) throw new AppError('AUDIT_CHAIN_BROKEN', problems.map((p) => p.message).join('; '));
          signatures = store.signoff.allSignatures().length;
        } finally {
          store.close();
        }
      }
      const result = { ok: true, entries: inspection.audit.entries, head: inspection.head, signatures };
      if (json) ctx.stdout.write(JSON.stringify(result) + '\n');
      else ctx.stdout.write(`Audit chain intact: ${result.entries} entries, head ${inspection.head?.seq ?? 0} sha256 ${inspection.head?.hash ?? '—'}; ${signatures} signature(s) verified\n`);
      return 0;
    }
    const store = openCaseStore(path, { create: false, readonly: true });
    try {
      if (values.cell !== undefined) {
        const trail = cellAuditTrail(store, numberOption(values.cell, 'cell', { integer: true, min: 1 }));
        if (json) {
          ctx.stdout.write(JSON.stringify(trail) + '\n');
          return 0;
        }
        ctx.stdout.write(`Cell ${trail.cellId} (run ${trail.runId}): predicted ${trail.predictedCode}, now ${trail.currentCode}\n`);
        if (trail.decisions.length === 0) ctx.stdout.write('  no review decisions\n');
        for (const d of trail.decisions) {
          ctx.stdout.write(`  ${d.decidedAt}  ${d.reviewer}  ${d.action}${d.labelCode ? ` → ${d.labelCode}` : ''}${d.undoOf ? ` (reverses decision ${d.undoOf})` : ''}${d.note ? `  note: ${d.note}` : ''}\n`);
        }
        ctx.stdout.write('Audit entries:\n');
        for (const e of trail.entries) ctx.stdout.write(`${describeAuditEntry(e)}\n`);
        return 0;
      }
      const entries = caseAuditTrail(store, {
        ...(values.action ? { actionPrefix: values.action } : {}),
        ...(values.entity ? { entity: values.entity } : {}),
        ...(values.limit ? { limit: numberOption(values.limit, 'limit', { integer: true, min: 1 }) } : {}),
      });
      if (json) ctx.stdout.write(JSON.stringify({ entries }) + '\n');
      else for (const e of entries) ctx.stdout.write(`${describeAuditEntry(e)}\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
export default audit;

/** --head SEQ:HASH, recorded elsewhere (a signed report, a bundle note): the chain must still contain it, so a truncated or rebuilt log shows. */
function checkHead(path: string, text: string, head: { seq: number; hash: string } | null): void {
  const m = /^(\d+):([0-9a-f]{64})$/i.exec(text.trim());
  if (!m) throw new AppError('VALIDATION_FAILED', `Expected --head SEQ:SHA256 (e.g. 42:3fa1…, 64 hex digits) but received ${JSON.stringify(text)}`);
  const seq = Number(m[1]);
  const hash = m[2]!.toLowerCase();
  const store = openCaseStore(path, { create: false, readonly: true });
  try {
    const entry = store.audit.list({ fromSeq: seq, limit: 1 })[0];
    if (entry === undefined || entry.seq !== seq) {
      throw new AppError('AUDIT_CHAIN_BROKEN', `The audit log ends at entry ${head?.seq ?? 0}, before the recorded head ${seq}: entries were removed from its end`);
    }
    if (entry.hash !== hash) throw new AppError('AUDIT_CHAIN_BROKEN', `Audit entry ${seq} has hash ${entry.hash}, not the recorded ${hash}: the log was rebuilt`);
  } finally {
    store.close();
  }
}
