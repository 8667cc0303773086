import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../electron/core/paths.js';

/** Debian's Chromium (installed by scripts/setup.sh); Playwright never downloads a browser here. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the end-to-end tests cannot run here, or undefined when they can. */
export function e2eSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `needs ${CHROMIUM} (apt-get install chromium; scripts/setup.sh does it)`;
  if (!existsSync(join(projectRoot(), 'renderer', 'dist', 'index.html'))) return 'needs the renderer build (npm run build:renderer)';
  return undefined;
}

/** Launches headless Chromium with the flags ENVIRONMENT.md lists. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Where screenshots go (git-ignored test artifacts). */
export function artifactsDir(): string {
  const dir = join(projectRoot(), 'test', 'artifacts', 'e2e');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a full-window screenshot as test/artifacts/e2e/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(artifactsDir(), `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Collects console errors and CSP violations of a page (a strict CSP must not break the app). */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}
