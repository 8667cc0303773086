#!/usr/bin/env node
// The `marrowscope` command: runs the compiled CLI, or explains how to build it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'electron', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('marrowscope: not built yet. Run `bash scripts/setup.sh` (or `npm run build`) in ' + root + '\n');
  process.exit(1);
}
// A closed pipe (`marrowscope export ... | head`) is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
