import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../electron/core/paths.js';

/** A `marrowscope serve` child process and the URL it printed. */
export interface ServeProcess {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Output so far (for failure messages). */
  output(): string;
  /** Stops it by PID (SIGTERM, then SIGKILL after 5 s) and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `node bin/marrowscope.js serve --port 0 --json [...args]` and waits for its URL line. */
export async function startServe(args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...(process.env['SERVE_CPU_PROF'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['SERVE_CPU_PROF']] : []), join(projectRoot(), 'bin', 'marrowscope.js'), 'serve', '--port', '0', '--json', ...args], {
    cwd: projectRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const info = await new Promise<{ url: string; port: number }>((ok, bad) => {
    const timer = setTimeout(() => bad(new Error(`serve did not print its URL within 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        ok(JSON.parse(line) as { url: string; port: number });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      bad(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url: info.url,
    port: info.port,
    origin: new URL(info.url).origin,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.pid === undefined) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        process.kill(child.pid, 'SIGTERM');
      }),
  };
}
