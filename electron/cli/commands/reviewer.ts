import { resolve } from 'node:path';
import { addReviewer, changePassword } from '../../core/signoff/index.js';
import { readPassword } from '../../core/signoff/readPassword.js';
import { openCaseStore } from '../../core/store/index.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CliCommand } from '../CliContext.js';
import { parseArgs } from '../parseArgs.js';

const USAGE = [
  'marrowscope reviewer add <case file> --name "Full Name" --initials AB --role "Consultant haematologist" [--password-stdin] [--json]',
  'marrowscope reviewer list <case file> [--json]',
  'marrowscope reviewer passwd <case file> --initials AB [--password-stdin]   (stdin: current password, new password)',
  'The password is read from the terminal (hidden) or the first line(s) of standard input; never pass it as an argument.',
].join('\n  ');

/** `marrowscope reviewer`: reviewer profiles who may sign (the password is stored only as a scrypt hash). */
const reviewer: CliCommand = {
  name: 'reviewer',
  summary: 'Add or list reviewer profiles who can sign reports',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, {
      name: { type: 'string' },
      initials: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [sub, db, ...rest] = positionals;
    if (!sub || !db || rest.length > 0 || !['add', 'list', 'passwd'].includes(sub)) {
      throw new AppError('VALIDATION_FAILED', `Expected "reviewer add|list|passwd <case file>" but received ${JSON.stringify(positionals.join(' '))}. Usage:\n  ${USAGE}`);
    }
    const json = values.json === true;
    if (sub === 'list') {
      const store = openCaseStore(resolve(db), { create: false, readonly: true });
      try {
        const list = store.reviewers.list();
        if (json) ctx.stdout.write(JSON.stringify({ reviewers: list }) + '\n');
        else if (list.length === 0) ctx.stdout.write('No reviewers in this case file.\n');
        else for (const r of list) ctx.stdout.write(`${r.initials.padEnd(8)} ${r.name} — ${r.role}${r.canSign ? '' : ' (no password here: cannot sign)'}\n`);
        return 0;
      } finally {
        store.close();
      }
    }
    if (!values.initials) throw new AppError('VALIDATION_FAILED', `Missing required option --initials. Usage:\n  ${USAGE}`);
    const store = openCaseStore(resolve(db), { create: false });
    try {
      if (sub === 'add') {
        if (!values.name) throw new AppError('VALIDATION_FAILED', `Missing required option --name. Usage:\n  ${USAGE}`);
        if (!values.role) throw new AppError('VALIDATION_FAILED', `Missing required option --role. Usage:\n  ${USAGE}`);
        const tty = (process.stdin as NodeJS.ReadStream).isTTY === true && !values['password-stdin'];
        const pw = await readPassword(process.stdin, ctx.stderr, `Password for ${values.initials}`, tty ? 2 : 1);
        if (pw.length === 2 && pw[0] !== pw[1]) throw new AppError('VALIDATION_FAILED', 'The two passwords entered differ');
        const r = await addReviewer(store, { name: values.name, initials: values.initials, role: values.role, password: pw[0]! });
        if (json) ctx.stdout.write(JSON.stringify({ reviewer: r }) + '\n');
        else ctx.stdout.write(`Added reviewer ${r.initials}: ${r.name} — ${r.role}\n`);
      } else {
        const tty = (process.stdin as NodeJS.ReadStream).isTTY === true && !values['password-stdin'];
        const [current, next] = tty
          ? [(await readPassword(process.stdin, ctx.stderr, `Current password for ${values.initials}`))[0], (await readPassword(process.stdin, ctx.stderr, 'New password'))[0]]
          : await readPassword(process.stdin, ctx.stderr, 'current password, new password', 2);
        await changePassword(store, { initials: values.initials, password: current! }, next!);
        if (json) ctx.stdout.write(JSON.stringify({ changed: true }) + '\n');
        else ctx.stdout.write(`Password changed for ${values.initials}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
export default reviewer;
