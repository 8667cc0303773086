import { resolve } from 'node:path';
import { amendReport, listSignatures, secondSign, signoffStatus, signReport } from '../../core/signoff/index.js';
import { osUserName } from '../../core/signoff/osUserName.js';
import { readPassword } from '../../core/signoff/readPassword.js';
import type { SignatureRecord } from '../../core/store/index.js';
import { openCaseStore } from '../../core/store/index.js';
import type { BlastDefinitionName, MeConvention } from '../../shared/domain/differential/index.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';

const USAGE = [
  'marrowscope sign <case file> --run ID --reviewer INITIALS --meaning reviewed|approved [--override-deferred REASON]',
  '                 [--blast-definition icsh|myeloidOnly|whoBlastEquivalents|icshWithPronormoblasts] [--me-convention icsh-with-monocytes|without-monocytes] [--password-stdin] [--json]',
  'marrowscope sign second <case file> --run ID --reviewer INITIALS --meaning reviewed|approved [--disagree CELL=CODE[:note]]... [--password-stdin] [--json]',
  'marrowscope sign amend <case file> --run ID --reviewer INITIALS --reason TEXT [--password-stdin] [--json]',
  'marrowscope sign status <case file> --run ID [--json]',
  'The password is read from the terminal (hidden) or the first line of standard input.',
].join('\n  ');

/** `marrowscope sign`: electronic sign-off of a run's differential, second reviewer, amendments, status. */
const sign: CliCommand = {
  name: 'sign',
  summary: 'Sign a differential (re-entering the password), second-sign, amend, or show sign-off status',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, {
      run: { type: 'string' },
      reviewer: { type: 'string' },
      meaning: { type: 'string' },
      'override-deferred': { type: 'string' },
      'blast-definition': { type: 'string' },
      'me-convention': { type: 'string' },
      disagree: { type: 'string', multiple: true },
      reason: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const sub = ['second', 'amend', 'status'].includes(positionals[0] ?? '') && positionals.length === 2 ? (positionals[0] as string) : 'sign';
    const files = sub === 'sign' ? positionals : positionals.slice(1);
    if (files.length !== 1) throw new AppError('VALIDATION_FAILED', `Expected one case file but received ${files.length}. Usage:\n  ${USAGE}`);
    const runId = numberOption(values.run, 'run', { integer: true, min: 1 });
    const json = values.json === true;
    const store = openCaseStore(resolve(files[0]!), { create: false, actor: osUserName() });
    try {
      if (sub === 'status') {
        const status = signoffStatus(store, runId);
        const versions = listSignatures(store, runId);
        if (json) ctx.stdout.write(JSON.stringify({ status, versions: versions.map(({ snapshot: _s, ...v }) => v) }) + '\n');
        else {
          ctx.stdout.write(`Run ${runId}: ${status.locked ? `signed (version ${status.latestVersion}), locked` : status.openAmendment ? `amendment (version ${status.latestVersion}) open` : 'not signed'}; ${status.deferredCells} deferred cell(s)\n`);
          for (const v of versions) {
            ctx.stdout.write(`  version ${v.version}: ${v.status}${v.reason ? ` — amendment: ${v.reason}` : ''}\n`);
            for (const s of v.signatures) ctx.stdout.write(`    ${describe(s)}\n`);
          }
        }
        return 0;
      }
      if (!values.reviewer) throw new AppError('VALIDATION_FAILED', `Missing required option --reviewer (the signer's initials). Usage:\n  ${USAGE}`);
      const [password] = await readPassword(process.stdin, ctx.stderr, `Password for ${values.reviewer}`);
      const creds = { initials: values.reviewer, password: password! };
      if (sub === 'amend') {
        if (!values.reason) throw new AppError('VALIDATION_FAILED', `Missing required option --reason for the amendment. Usage:\n  ${USAGE}`);
        const v = await amendReport(store, { ...creds, runId, reason: values.reason });
        if (json) ctx.stdout.write(JSON.stringify({ version: { ...v, snapshot: undefined } }) + '\n');
        else ctx.stdout.write(`Opened amendment: version ${v.version} of run ${runId} (labels can change until it is signed)\n`);
        return 0;
      }
      const meaning = values.meaning;
      if (meaning !== 'reviewed' && meaning !== 'approved') throw new AppError('VALIDATION_FAILED', `Expected --meaning reviewed or approved but received ${JSON.stringify(meaning ?? null)}`);
      let sig: SignatureRecord;
      if (sub === 'second') {
        const disagreements = (values.disagree ?? []).map(parseDisagreement);
        sig = await secondSign(store, { ...creds, runId, meaning, disagreements });
      } else {
        sig = await signReport(store, {
          ...creds,
          runId,
          meaning,
          overrideReason: values['override-deferred'] ?? null,
          differential: {
            ...(values['blast-definition'] ? { blastDefinition: values['blast-definition'] as BlastDefinitionName } : {}),
            ...(values['me-convention'] ? { meConvention: values['me-convention'] as MeConvention } : {}),
          },
        });
      }
      if (json) ctx.stdout.write(JSON.stringify({ signature: sig }) + '\n');
      else ctx.stdout.write(`${describe(sig)}\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};
export default sign;

/** "123=M2" or "123=M2:looks like a promyelocyte". */
function parseDisagreement(text: string): { cellId: number; labelCode: string; note: string | null } {
  const m = /^(\d+)=([A-Za-z0-9]+)(?::(.*))?$/s.exec(text.trim());
  if (!m) throw new AppError('VALIDATION_FAILED', `Expected --disagree CELL=CODE[:note] (e.g. 123=M2) but received ${JSON.stringify(text)}`);
  return { cellId: Number(m[1]), labelCode: m[2]!, note: m[3]?.trim() || null };
}

function describe(s: SignatureRecord): string {
  return `Signed by ${s.printedName} (${s.initials}), ${s.role}: ${s.meaning}, ${s.capacity}, version ${s.version}, ${s.signedAt}${s.overrideReason ? `; deferred-cell override: ${s.overrideReason}` : ''}${s.disagreements.length ? `; ${s.disagreements.length} disagreement(s)` : ''}`;
}
