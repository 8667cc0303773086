import { resolve } from 'node:path';
import { exportCaseBundle, importCaseBundle } from '../../core/report/index.js';
import { osUserName } from '../../core/signoff/osUserName.js';
import { openCaseStore } from '../../core/store/index.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CliCommand } from '../CliContext.js';
import { parseArgs } from '../parseArgs.js';

const USAGE = [
  'marrowscope bundle export <case file> --out FILE.mrsbundle [--json]',
  'marrowscope bundle import <bundle> --db NEW_CASE_FILE [--json]',
  'A bundle is a consistent single-file copy of the case without reviewer passwords; its audit chain verifies on the receiving workstation.',
].join('\n  ');

/** `marrowscope bundle`: send a case for a second opinion as one portable file, and take one in. */
const bundle: CliCommand = {
  name: 'bundle',
  summary: 'Export a case as one portable file (for a second opinion), or import one',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, { out: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } });
    const [sub, file, ...rest] = positionals;
    if ((sub !== 'export' && sub !== 'import') || !file || rest.length > 0) {
      throw new AppError('VALIDATION_FAILED', `Expected "bundle export|import <file>" but received ${JSON.stringify(positionals.join(' '))}. Usage:\n  ${USAGE}`);
    }
    const json = values.json === true;
    if (sub === 'export') {
      if (!values.out) throw new AppError('VALIDATION_FAILED', `Missing required option --out FILE. Usage:\n  ${USAGE}`);
      const store = openCaseStore(resolve(file), { create: false, actor: osUserName() });
      try {
        const r = exportCaseBundle(store, resolve(values.out));
        if (json) ctx.stdout.write(JSON.stringify(r) + '\n');
        else ctx.stdout.write(`Bundle written: ${r.path} (${r.bytes} bytes, sha256 ${r.sha256}); audit head ${r.head?.seq ?? 0} ${r.head?.hash ?? ''}\n`);
        return 0;
      } finally {
        store.close();
      }
    }
    if (!values.db) throw new AppError('VALIDATION_FAILED', `Missing required option --db NEW_CASE_FILE. Usage:\n  ${USAGE}`);
    const r = importCaseBundle(resolve(file), resolve(values.db), osUserName());
    if (json) ctx.stdout.write(JSON.stringify({ path: r.path, sha256: r.sha256, entries: r.inspection.audit.entries, head: r.inspection.head, reviewers: r.reviewers }) + '\n');
    else {
      ctx.stdout.write(`Imported ${file} as ${r.path}: audit chain of ${r.inspection.audit.entries} entries verified (head ${r.inspection.head?.seq ?? 0} ${r.inspection.head?.hash ?? ''})\n`);
      if (r.reviewers.length) ctx.stdout.write(`Reviewer profiles in the case (they cannot sign here): ${r.reviewers.join(', ')}\n`);
    }
    return 0;
  },
};
export default bundle;
