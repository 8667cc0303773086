// Runs the CLI as a real subprocess with text on its standard input (the way a password is given to `reviewer add` and `sign`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../../electron/core/paths.js';
import type { CliResult } from '../../helpers/runCli.js';

/** `node bin/marrowscope.js ...args` with `input` written to its stdin. */
export function cliWithInput(args: readonly string[], input: string, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'marrowscope.js'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** The coded error a `--json` command wrote to stderr. */
export function jsonError(stderr: string): { code: string; message: string } {
  const line = stderr.trim().split('\n').find((l) => l.startsWith('{"error"'));
  if (!line) throw new Error(`no JSON error on stderr: ${stderr}`);
  return (JSON.parse(line) as { error: { code: string; message: string } }).error;
}
