import type { Locator, Page } from 'playwright-core';

/** The page's global as functions run in the browser see it (this tsconfig has no DOM types; types are erased). */
type BrowserGlobal = { document: { querySelector(selector: string): { getAttribute(name: string): string | null; textContent: string | null } | null } };

/**
 * A page object for the review workstation: every wait is on a render signal the app exposes
 * (data-ready, data-state, data-version, data-code), never a sleep.
 */
export class WorkstationPage {
  constructor(readonly page: Page) {}

  get notice(): Locator {
    return this.page.getByTestId('notice');
  }
  get gallery(): Locator {
    return this.page.getByTestId('gallery');
  }
  get differential(): Locator {
    return this.page.getByTestId('differential');
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.getByRole('heading', { name: 'Worklist' }).waitFor();
  }

  /** Opens a slide by typing its path in the open-slide dialog. */
  async openByPath(path: string): Promise<void> {
    await this.page.getByTestId('open-slide').click();
    const dialog = this.page.getByRole('dialog', { name: 'Open slide' });
    await dialog.waitFor();
    await dialog.getByLabel('Slide file path').fill(path);
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();
  }

  async waitForViewer(): Promise<Locator> {
    const viewer = this.page.getByRole('region', { name: 'Slide viewer' });
    try {
      await viewer.and(this.page.locator('[data-ready="true"]')).waitFor();
    } catch (err) {
      // Say what the screen showed instead: a notice, another screen, a viewer that never opened.
      const notice = await this.page.locator('[role="alert"], [role="status"]').allTextContents();
      const regions = await viewer.evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 200)));
      throw new Error(`The viewer did not become ready. Notices: ${JSON.stringify(notice)}; viewer elements: ${JSON.stringify(regions)}`, { cause: err });
    }
    return viewer;
  }

  /** Waits until OpenSeadragon has drawn every tile it asked for. */
  async waitForTiles(): Promise<void> {
    await this.page.waitForFunction(() => {
      const imgs = performance.getEntriesByType('resource').filter((e) => e.name.includes('/tiles/'));
      return imgs.length > 0;
    });
    await this.page.waitForLoadState('networkidle');
  }

  /** Drags a rectangle on the viewer, in fractions of its box. */
  async drawRegion(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
    await this.page.getByTestId('draw-region').click();
    const box = (await this.page.locator('.viewer canvas.overlay').first().boundingBox())!;
    await this.page.mouse.move(box.x + box.width * from.x, box.y + box.height * from.y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + box.width * ((from.x + to.x) / 2), box.y + box.height * ((from.y + to.y) / 2), { steps: 4 });
    await this.page.mouse.move(box.x + box.width * to.x, box.y + box.height * to.y, { steps: 4 });
    await this.page.mouse.up();
  }

  /** The differential's count for a category, as shown. */
  async count(category: string): Promise<number> {
    return Number(await this.page.getByTestId(`count-${category}`).textContent());
  }

  /** Waits until the differential panel has re-rendered after version `after`. */
  async waitForDifferentialAfter(after: number): Promise<number> {
    await this.page.waitForFunction((v) => Number((globalThis as unknown as BrowserGlobal).document.querySelector('[data-testid="differential"]')?.getAttribute('data-version')) > v, after);
    return this.differentialVersion();
  }

  /** Waits until the differential shows `n` cells in a category. */
  async waitForCount(category: string, n: number): Promise<void> {
    await this.page.waitForFunction(([c, want]) => Number((globalThis as unknown as BrowserGlobal).document.querySelector(`[data-testid="count-${c}"]`)?.textContent) === want, [category, n] as const);
  }

  async differentialVersion(): Promise<number> {
    return Number(await this.differential.getAttribute('data-version'));
  }

  tile(cellId: string): Locator {
    return this.page.locator(`[data-cell-id="${cellId}"][role="option"]`);
  }
}
