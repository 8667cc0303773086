import { join } from 'node:path';
import { projectRoot } from '../paths.js';

/** The compiled analysis worker entry: one file serves a thread, a child process and an Electron utilityProcess. */
export function analysisWorkerEntry(): string {
  return join(projectRoot(), 'dist', 'electron', 'core', 'analysis', 'analysisWorkerMain.js');
}
