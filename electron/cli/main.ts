import { AppError, toErrorInfo } from '../shared/errors/AppError.js';
import { COMMANDS } from './commands.js';
import { writeError, type CliContext } from './CliContext.js';

const HELP = `marrowscope: bone-marrow aspirate slide workstation (research use only; not for clinical diagnosis)

Usage: marrowscope <command> [options]

Commands:
`;

/** Entry point of the command-line tool; returns the exit code. */
export async function main(argv: readonly string[], io: Pick<CliContext, 'stdout' | 'stderr'> = process): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines: string[] = [];
    for (const key of Object.keys(COMMANDS).sort()) {
      const cmd = (await COMMANDS[key]!()).default;
      lines.push(`  ${cmd.name.padEnd(10)} ${cmd.summary}`);
    }
    io.stdout.write(HELP + lines.join('\n') + '\n\nRun `marrowscope <command> --help` for its options.\n');
    return name ? 0 : 2;
  }
  const ctx: CliContext = { argv: rest, stdout: io.stdout, stderr: io.stderr };
  const loader = COMMANDS[name];
  if (!loader) {
    writeError(ctx, { code: 'VALIDATION_FAILED', message: `Unknown command "${name}". Run marrowscope --help.` }, json);
    return 2;
  }
  try {
    const cmd = (await loader()).default;
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`${cmd.summary}\n\nUsage: ${cmd.usage}\n`);
      return 0;
    }
    return await cmd.run(ctx);
  } catch (err) {
    writeError(ctx, toErrorInfo(err), json);
    return err instanceof AppError ? (err.code === 'VALIDATION_FAILED' ? 2 : 1) : 70;
  }
}
