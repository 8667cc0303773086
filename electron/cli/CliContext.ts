import type { ErrorInfo } from '../shared/errors/AppError.js';

/** What a CLI command gets: its own arguments (after the command name) and output streams. */
export interface CliContext {
  readonly argv: readonly string[];
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** A CLI command: resolves to the process exit code. Throw AppError for coded failures. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(ctx: CliContext): Promise<number>;
}

/** Writes a coded error the way every command does: JSON on stderr with --json, else a line. */
export function writeError(ctx: CliContext, error: ErrorInfo, json: boolean): void {
  if (json) ctx.stderr.write(JSON.stringify({ error }) + '\n');
  else ctx.stderr.write(`marrowscope: ${error.code}: ${error.message}\n`);
}
