// Loading the addon: a missing or broken binary is NATIVE_ADDON_MISSING with the commands that fix it.
// Runs in child processes because the addon is loaded once per process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ADDON_PATH_ENV } from '../../native/lib/loadAddon.js';
import { makeTempDir } from '../helpers/syntheticSlide.js';

const run = promisify(execFile);
const facade = pathToFileURL(join(import.meta.dirname, '..', '..', 'native', 'lib', 'index.js')).href;

/** The error a fresh process gets from openslideVersion() with the addon path set to `addon`. */
async function loadIn(addon: string): Promise<{ code: string; message: string }> {
  const script = `import(${JSON.stringify(facade)}).then((m) => { try { m.openslideVersion(); console.log('{}'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); } });`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, [ADDON_PATH_ENV]: addon } });
  return JSON.parse(stdout) as { code: string; message: string };
}

test('a missing addon binary is NATIVE_ADDON_MISSING naming the path and the fix', async () => {
  const tmp = await makeTempDir('marrowscope-addon-');
  try {
    const missing = join(tmp.dir, 'openslide_addon.node');
    const err = await loadIn(missing);
    assert.equal(err.code, 'NATIVE_ADDON_MISSING');
    assert.ok(err.message.includes(missing), err.message);
    assert.match(err.message, /apt-get install -y libopenslide-dev/);
    assert.match(err.message, /npm run build:native/);
  } finally {
    await tmp.cleanup();
  }
});

test('a binary that cannot be loaded is NATIVE_ADDON_MISSING with the loader’s reason and the fix', async () => {
  const tmp = await makeTempDir('marrowscope-addon-');
  try {
    const broken = join(tmp.dir, 'openslide_addon.node');
    await writeFile(broken, 'not a shared object');
    const err = await loadIn(broken);
    assert.equal(err.code, 'NATIVE_ADDON_MISSING');
    assert.match(err.message, /failed to load/);
    assert.match(err.message, /npm run build:native/);
  } finally {
    await tmp.cleanup();
  }
});
