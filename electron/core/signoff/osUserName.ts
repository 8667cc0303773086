import { userInfo } from 'node:os';

/** The OS user running the process: the actor of CLI audit entries that no reviewer signs. */
export function osUserName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
