import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the folder holding package.json, found from this compiled file (dist/electron/core). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
}

/** The shared real-data folder: $MARROWSCOPE_DATA, else ../shared/data beside the project. */
export function sharedDataDir(): string {
  const fromEnv = process.env['MARROWSCOPE_DATA'];
  if (fromEnv) return resolve(fromEnv);
  return resolve(projectRoot(), '..', 'shared', 'data');
}

/** The default model manifest shipped in models/. */
export function defaultManifestPath(): string {
  return join(projectRoot(), 'models', 'manifest.json');
}
