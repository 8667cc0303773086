import { readFileSync, writeFileSync } from 'node:fs';

/** Where and how big the main window was, restored at the next start. */
export interface WindowState {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

const DEFAULT: WindowState = { width: 1440, height: 900, maximized: false };

/** Reads the saved window state; a missing or damaged file gives the default. */
export function loadWindowState(file: string): WindowState {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>;
    const ok = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isFinite(n) && n >= min;
    if (!ok(v.width, 400) || !ok(v.height, 300)) return DEFAULT;
    return { width: v.width, height: v.height, maximized: v.maximized === true, ...(ok(v.x, -10000) && ok(v.y, -10000) ? { x: v.x, y: v.y } : {}) };
  } catch {
    return DEFAULT;
  }
}

/** Saves the window state (best effort: a read-only profile must not stop the app from closing). */
export function saveWindowState(file: string, state: WindowState): void {
  try {
    writeFileSync(file, JSON.stringify(state));
  } catch {
    /* ignored on purpose */
  }
}
