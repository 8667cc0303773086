import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { defaultManifestPath, projectRoot } from '../../core/paths.js';
import { proposerPortFrom } from '../../core/api/proposerPortFrom.js';
import { createApiRuntime } from '../../core/api/createApiRuntime.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';
import { createHttpHost } from '../http/createHttpHost.js';
import { openCaseStorePort } from '../../core/api/openCaseStorePort.js';

/** The default case store: $XDG_DATA_HOME/marrowscope/worklist.marrowscope (~/.local/share/... when unset). */
export function defaultStorePath(): string {
  const base = process.env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return join(base, 'marrowscope', 'worklist.marrowscope');
}

/** `marrowscope serve`: the review workstation in a browser, on 127.0.0.1 only, behind a per-launch token. */
const serve: CliCommand = {
  name: 'serve',
  summary: 'Serve the review workstation to a local browser (127.0.0.1 only)',
  usage: 'marrowscope serve [--port P] [--db FILE] [--model manifest.json] [--max-cells N] [--json]   (--port 0 picks a free port; stop with Ctrl+C)',
  async run(ctx) {
    const { values } = parseArgs(ctx.argv, { port: { type: 'string' }, db: { type: 'string' }, model: { type: 'string' }, 'max-cells': { type: 'string' }, json: { type: 'boolean' } }, false);
    const port = values.port === undefined ? 8765 : numberOption(values.port, 'port', { integer: true, min: 0 });
    const dbPath = resolve(values.db ?? defaultStorePath());
    mkdirSync(dirname(dbPath), { recursive: true });
    const maxCells = values['max-cells'] === undefined ? null : numberOption(values['max-cells'], 'max-cells', { integer: true, min: 1 });
    const store = openCaseStorePort(dbPath, { manifestPath: resolve(values.model ?? defaultManifestPath()), maxCells });
    const runtime = createApiRuntime({ host: 'browser', store: store.port, signoff: store.signoff, analysis: store.analysis, proposer: proposerPortFrom(), onClose: () => store.close() });
    const host = await createHttpHost({
      handlers: runtime.handlers,
      pixels: runtime.pixels,
      events: runtime.events,
      staticDir: join(projectRoot(), 'renderer', 'dist'),
      port,
    });
    if (values.json) ctx.stdout.write(JSON.stringify({ url: host.url, port: host.port, db: dbPath }) + '\n');
    else {
      ctx.stdout.write(`Marrowscope review workstation (research use only — not for clinical diagnosis)\n`);
      ctx.stdout.write(`Case file: ${dbPath}\n`);
      ctx.stdout.write(`Open this link in a browser on this computer:\n\n  ${host.url}\n\nPress Ctrl+C to stop.\n`);
    }
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void host.close().then(() => runtime.close()).then(done, done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
export default serve;
