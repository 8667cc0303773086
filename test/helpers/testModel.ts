import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../electron/core/paths.js';

/** The shipped ensemble's manifest when its members are present, else the tiny test ensemble (tests of plumbing, not accuracy). */
export function testManifestPath(): string {
  const shipped = join(projectRoot(), 'models', 'manifest.json');
  if (existsSync(shipped)) return shipped;
  return join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble', 'manifest.json');
}
