// Launches the Electron app where its runtime is installed; otherwise explains what to do and
// falls back to what runs without it (the browser host once built, else the command-line tool).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

function electronBinary() {
  try {
    return require('electron'); // the package's main export is the runtime's path; throws if not downloaded
  } catch {
    return null;
  }
}

let bin = electronBinary();
if (!bin && process.env.MARROWSCOPE_NO_ELECTRON_DOWNLOAD !== '1') {
  console.log('marrowscope: the Electron runtime is not installed; trying to download it once (node node_modules/electron/install.js)...');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], { stdio: 'pipe', encoding: 'utf8', timeout: 300_000, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
  if (r.status === 0) bin = electronBinary();
  // The installer's stack trace says little to a user; its first line says why.
  else console.log(`marrowscope: download failed: ${(r.stderr || r.stdout || String(r.error ?? '')).split('\n').find((l) => l.trim()) ?? 'unknown error'}`);
}
if (bin && existsSync(bin)) {
  const r = spawnSync(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
console.log(`
marrowscope: the Electron runtime could not be downloaded (no access to GitHub?).
  - On a machine with internet: run  node node_modules/electron/install.js  then  npm start  again.
  - Without Electron, use the browser host:  node bin/marrowscope.js serve   (opens on 127.0.0.1 with a one-time token)
  - Or the command-line tool:  node bin/marrowscope.js --help
`);
const hasServe = existsSync(join(root, 'dist', 'electron', 'cli', 'commands', 'serve.js'));
const r = spawnSync(process.execPath, [join(root, 'bin', 'marrowscope.js'), hasServe ? 'serve' : '--help', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(hasServe ? (r.status ?? 1) : 0);
