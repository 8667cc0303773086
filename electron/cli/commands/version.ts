import { packageVersion } from '../../core/report/packageVersion.js';
import type { CliCommand } from '../CliContext.js';

/** `marrowscope version`: the app version and the versions of the native parts it loads. */
const version: CliCommand = {
  name: 'version',
  summary: 'Print the app version',
  usage: 'marrowscope version [--json]',
  async run(ctx) {
    const info = { marrowscope: packageVersion(), node: process.versions.node };
    ctx.stdout.write(ctx.argv.includes('--json') ? JSON.stringify(info) + '\n' : `marrowscope ${info.marrowscope} (node ${info.node})\n`);
    return 0;
  },
};
export default version;
