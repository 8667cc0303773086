// Review-workstation benchmark in Debian's Chromium against `marrowscope serve`:
//  1. reclassify keystroke → decision stored and the differential re-rendered (target p95 ≤ 50 ms),
//     against a bare API round trip (POST /api/getAppInfo) measured in the same page, with keys back
//     to back and at a reviewer's pace, each split into request, waiting and rendering;
//  2. scrolling a 5,000-cell uncertain-first gallery: long tasks (> 50 ms) while scrolling;
//  3. visible tiles of a fresh view (target ≤ 300 ms): open a slide, and zoom to uncached levels,
//     against one cached tile fetch.
// Run: nice node dist/test/bench/review.js [cells=5000] [keystrokes=40]
// Diagnostics: BENCH_PROFILE=1 (CPU profile of the keystrokes), BENCH_TRACE=1 (devtools timelines of
// the fresh view, keystrokes and the scroll), BENCH_DEBUG=1 (each request of the fresh view), SERVE_CPU_PROF=DIR (CPU
// profile of the host process, written when it exits).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openSlide } from '../../native/lib/index.js';
import { openCaseStore } from '../../electron/core/store/index.js';
import { rectPolygon } from '../../electron/core/analysis/rectPolygon.js';
import { MODEL_CLASS_CODES } from '../../electron/shared/domain/taxonomy.js';
import { projectRoot } from '../../electron/core/paths.js';
import { buildSyntheticAspirate } from '../helpers/syntheticAspirate.js';
import { launchChromium } from '../e2e/launchChromium.js';
import { startServe } from '../e2e/serveProcess.js';
import { WorkstationPage } from '../e2e/workstationPage.js';

const CELLS = Number(process.argv[2] ?? 5000);
const KEYS = Number(process.argv[3] ?? 40);
const CODES = MODEL_CLASS_CODES.filter((c) => c !== 'PL3' && c !== 'ER6');

type BrowserGlobal = {
  document: { querySelector(s: string): { scrollTop: number; scrollHeight: number; clientHeight: number; getAttribute(n: string): string | null } | null };
  bench: { pending: number; lat: number[]; longTasks: number[]; longTaskStarts: number[]; keys: [number, number][]; seen: [number, number][] };
  requestAnimationFrame(cb: () => void): void;
  MutationObserver: new (cb: () => void) => { observe(target: unknown, opts: unknown): void };
  PerformanceObserver: new (cb: (list: { getEntries(): { duration: number }[] }) => void) => { observe(opts: unknown): void };
  addEventListener(type: string, cb: () => void, capture: boolean): void;
  fetch(url: string, init: unknown): Promise<{ json(): Promise<unknown>; headers: { get(name: string): string | null } }>;
};

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples: number[];
  timeDeltas: number[];
}

/** Saves the profile and prints the 20 heaviest functions by self time. */
function printProfile(profile: CpuProfile): void {
  mkdirSync(join(projectRoot(), 'test', 'bench', 'out'), { recursive: true });
  writeFileSync(join(projectRoot(), 'test', 'bench', 'out', 'review-keys.cpuprofile'), JSON.stringify(profile));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byName = new Map<string, number>();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/.*\//, '')}:${f.lineNumber + 1}`;
    byName.set(key, (byName.get(key) ?? 0) + (self.get(n.id) ?? 0));
  }
  const total = [...byName.values()].reduce((a, b) => a + b, 0);
  console.log(`CPU profile of ${KEYS} keystrokes: ${total.toFixed(0)} ms sampled`);
  for (const [k, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${ms.toFixed(1).padStart(8)} ms  ${k}`);
}

/** Runs `fn` under a devtools timeline and prints time per event name on the page's main thread. */
async function traced<T>(browser: Awaited<ReturnType<typeof launchChromium>>, page: Parameters<Awaited<ReturnType<typeof launchChromium>>['startTracing']>[0], label: string, fn: () => Promise<T>): Promise<T> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'blink', 'v8.execute'] });
  const out = await fn();
  const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: { name: string; ph: string; dur?: number; tid: number; pid: number }[] };
  // The renderer's main thread: where the page's scripts run.
  const tids = new Map<string, number>();
  for (const e of trace.traceEvents) if (e.name === 'FunctionCall' || e.name === 'EvaluateScript') tids.set(`${e.pid}:${e.tid}`, (tids.get(`${e.pid}:${e.tid}`) ?? 0) + (e.dur ?? 0));
  const busiest = [...tids].sort((a, b) => b[1] - a[1])[0]?.[0];
  const byName = new Map<string, number>();
  for (const e of trace.traceEvents) if (e.ph === 'X' && `${e.pid}:${e.tid}` === busiest) byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  console.log(`Trace of ${label}, page main thread, inclusive ms per event name:`);
  for (const [k, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms.toFixed(1).padStart(8)} ms  ${k}`);
  return out;
}

/** Pause before each paced keystroke: a fast reviewer's rhythm, about three cells a second. */
const PACE_MS = 300;

/**
 * In the page: for each keystroke, keydown → write request sent, the request, response received →
 * result read (time the page waited to read it), result read → differential committed.
 */
function keystrokePhases(): number[][] {
  const g = globalThis as unknown as BrowserGlobal;
  const writes = performance.getEntriesByType('resource').filter((e) => /api\/(reclassify|confirm|defer)$/.test(e.name)) as unknown as { startTime: number; responseEnd: number }[];
  return g.bench.keys.flatMap(([down, commit]) => {
    const w = writes.find((e) => e.startTime >= down && e.responseEnd <= commit);
    const s = g.bench.seen.find(([, parsed]) => parsed >= down && parsed <= commit);
    return w && s ? [[w.startTime - down, w.responseEnd - w.startTime, s[1] - w.responseEnd, commit - s[1]]] : [];
  });
}

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function seed(path: string, slidePath: string): Promise<void> {
  const slide = await openSlide(slidePath);
  const crops: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) {
    const x = 100 + ((i * 997) % 5800);
    const y = 100 + ((i * 613) % 3800);
    const px = await slide.readRegion({ x, y, level: 0, width: 96, height: 96 });
    crops.push(new Uint8Array(await sharp(px.data, { raw: { width: 96, height: 96, channels: 4 } }).removeAlpha().jpeg({ quality: 90 }).toBuffer()));
  }
  slide.close();
  const store = openCaseStore(path);
  const rec = store.slides.add({ path: slidePath, quickHash: 'bench-' + CELLS, vendor: 'aperio', width: 6144, height: 4096, calibration: { kind: 'calibrated', x: 0.25, y: 0.25, source: 'openslide.mpp' }, objectivePower: 40 });
  const run = store.runs.start({ slideId: rec.id, manifestHash: 'b'.repeat(64), memberHashes: {}, classCodes: [...CODES], appVersion: 'bench', parameters: {} });
  const perRegion = 1000;
  for (let r = 0; r * perRegion < CELLS; r++) {
    const [region] = store.regions.addMany(run.id, [{ orderIndex: r, geometry: rectPolygon(r * 1000, 0, 1000, 4000), source: 'manual' }]);
    const n = Math.min(perRegion, CELLS - r * perRegion);
    store.cells.insertBatch(
      region!.id,
      Array.from({ length: n }, (_, i) => {
        const k = (i * 7 + r) % CODES.length;
        const p = CODES.map(() => 0.2 / (CODES.length - 1));
        p[k] = 0.8;
        return {
          localIndex: i,
          centroid: { x: r * 1000 + 20 + (i % 30) * 32, y: 20 + Math.floor(i / 30) * 24 },
          bbox: { x: r * 1000 + 10 + (i % 30) * 32, y: 10 + Math.floor(i / 30) * 24, width: 20, height: 20 },
          crop: crops[(r * perRegion + i) % crops.length]!,
          probabilities: p,
          predictedCode: CODES[k]!,
          entropy: ((i * 37) % 100) / 100,
          agreement: 1,
          margin: 0.6,
          mutualInformation: 0,
        };
      }),
    );
  }
  store.runs.finish(run.id, 'completed');
  store.close();
}

const dir = mkdtempSync(join(tmpdir(), 'ms-bench-review-'));
const aspirate = await buildSyntheticAspirate();
await seed(join(dir, 'case.marrowscope'), aspirate.path);
const serve = await startServe(['--db', join(dir, 'case.marrowscope'), '--model', join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble', 'manifest.json')]);
const browser = await launchChromium();
const rows: string[][] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const ws = new WorkstationPage(page);
  await ws.goto(serve.url);
  await page.evaluate(() => performance.setResourceTimingBufferSize(20_000));

  // Tiles of a fresh view: open the slide (no tile cached yet in this host).
  const t0 = await page.evaluate(() => performance.now());
  const openView = async (): Promise<void> => {
    await ws.openByPath(aspirate.path);
    await ws.waitForViewer();
    await page.waitForLoadState('networkidle');
  };
  await (process.env['BENCH_TRACE'] ? traced(browser, page, 'the fresh view', openView) : openView());
  const firstView = await page.evaluate((start) => {
    const tiles = performance.getEntriesByType('resource').filter((e) => e.name.includes('/tiles/') && e.startTime >= start) as unknown as { startTime: number; responseEnd: number }[];
    return { n: tiles.length, ms: Math.max(...tiles.map((e) => e.responseEnd)) - start, first: Math.min(...tiles.map((e) => e.startTime)) - start };
  }, t0);
  if (process.env['BENCH_DEBUG']) {
    // Each tile request of the fresh view: start, time to first byte, end (ms after the first request).
    console.log(
      await page.evaluate((start) => {
        const all = performance.getEntriesByType('resource').filter((e) => e.startTime >= start) as unknown as { name: string; startTime: number; responseStart: number; responseEnd: number }[];
        const t0 = Math.min(...all.filter((e) => e.name.includes('/tiles/')).map((e) => e.startTime));
        return all.map((e) => `${e.name.replace(/.*(tiles|api)\//, '$1/').replace(/\?.*/, '')} start ${(e.startTime - t0).toFixed(0)} ttfb ${(e.responseStart - e.startTime).toFixed(0)} end ${(e.responseEnd - t0).toFixed(0)}`).join('\n');
      }, t0),
    );
  }
  const zooms: number[] = [];
  for (let z = 0; z < 3; z++) {
    const s = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(800); // let the zoom animation finish and its tiles be requested
    await page.waitForLoadState('networkidle');
    zooms.push(
      await page.evaluate((start) => {
        const tiles = performance.getEntriesByType('resource').filter((e) => e.name.includes('/tiles/') && e.startTime >= start) as unknown as { startTime: number; responseEnd: number }[];
        return tiles.length ? Math.max(...tiles.map((e) => e.responseEnd)) - Math.min(...tiles.map((e) => e.startTime)) : 0;
      }, s),
    );
  }
  const cachedTile = await page.evaluate(async () => {
    const url = performance.getEntriesByType('resource').find((e) => e.name.includes('/tiles/'))!.name;
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      await (await fetch(url, { headers: { "cache-control": "no-cache" } })).arrayBuffer();
      times.push(performance.now() - s);
    }
    return times.sort((a, b) => a - b)[10]!;
  });

  // Review: load the run.
  await page.getByRole('button', { name: /Worklist/ }).click();
  await page.getByRole('row').filter({ hasText: 'aspirate.svs' }).getByRole('button', { name: 'Review' }).click();
  await page.locator(`[data-testid="gallery"][data-count="${CELLS}"]`).waitFor({ timeout: 120_000 });
  await page.locator('[data-testid="differential"]').waitFor();

  // Baseline: a bare API round trip from the page.
  const rtt = await page.evaluate(async () => {
    const g = globalThis as unknown as BrowserGlobal;
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const s = performance.now();
      await (await g.fetch('./api/getAppInfo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
      times.push(performance.now() - s);
    }
    return times;
  });

  // Keystroke → differential re-rendered from the stored state.
  await page.evaluate(() => {
    const g = globalThis as unknown as BrowserGlobal;
    g.bench = { pending: 0, lat: [], longTasks: [], longTaskStarts: [], keys: [], seen: [] };
    // When the page's script gets each write's response (headers, then parsed body), to split the
    // time after the response into waiting for the main thread and the work itself.
    const fetch0 = g.fetch.bind(g);
    g.fetch = async (url: string, init: unknown) => {
      const res = await fetch0(url, init);
      if (!/api\/(reclassify|confirm|defer)$/.test(String(url))) return res;
      const got = performance.now();
      // A small Result comes in a header (resultHeader.ts): read as soon as the response is.
      if (res.headers.get('x-marrowscope-result') !== null) {
        g.bench.seen.push([got, performance.now()]);
        return res;
      }
      const json = res.json.bind(res);
      return Object.assign(res, { json: async () => { const body = await json(); g.bench.seen.push([got, performance.now()]); return body; } });
    };
    g.addEventListener('keydown', () => (g.bench.pending = performance.now()), true);
    new g.MutationObserver(() => {
      if (g.bench.pending) {
        g.bench.lat.push(performance.now() - g.bench.pending);
        g.bench.keys.push([g.bench.pending, performance.now()]);
      }
      g.bench.pending = 0;
    }).observe(g.document.querySelector('[data-testid="differential"]'), { attributes: true, attributeFilter: ['data-version'] });
    new g.PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { duration: number; startTime: number }[]) {
        g.bench.longTasks.push(e.duration);
        g.bench.longTaskStarts.push(e.startTime);
      }
    }).observe({ type: 'longtask' });
  });
  await ws.gallery.focus();
  // BENCH_PROFILE=1: a Chromium CPU profile of the keystrokes (test/bench/out/review-keys.cpuprofile)
  // and its heaviest functions by self time, to see where a keystroke's milliseconds go.
  const cdp = process.env['BENCH_PROFILE'] ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.press(i % 2 ? '1' : '2');
    await page.waitForFunction((n) => (globalThis as unknown as BrowserGlobal).bench.lat.length > n, i);
  }
  if (cdp) printProfile((await cdp.send('Profiler.stop')).profile as unknown as CpuProfile);
  if (process.env['BENCH_TRACE']) {
    await traced(browser, page, '10 more keystrokes', async () => {
      for (let i = 0; i < 10; i++) {
        const n = await page.evaluate(() => (globalThis as unknown as BrowserGlobal).bench.lat.length);
        await page.keyboard.press(i % 2 ? '1' : '2');
        await page.waitForFunction((k) => (globalThis as unknown as BrowserGlobal).bench.lat.length > k, n);
      }
    });
  }
  const lat = await page.evaluate(() => (globalThis as unknown as BrowserGlobal).bench.lat);
  const longDuringKeys = await page.evaluate(() => (globalThis as unknown as BrowserGlobal).bench.longTasks.splice(0));
  const phases = await page.evaluate(keystrokePhases);

  // The same keystrokes at a fast reviewer's pace (one every PACE_MS): each starts on a settled
  // screen, so the previous keystroke's frame and context view are not part of its time.
  await page.evaluate(() => Object.assign((globalThis as unknown as BrowserGlobal).bench, { lat: [], keys: [], seen: [] }));
  const paced = KEYS;
  for (let i = 0; i < paced; i++) {
    await page.waitForTimeout(PACE_MS);
    await page.keyboard.press(i % 2 ? '1' : '2');
    await page.waitForFunction((n) => (globalThis as unknown as BrowserGlobal).bench.lat.length > n, i);
  }
  const pacedLat = await page.evaluate(() => (globalThis as unknown as BrowserGlobal).bench.lat);
  const pacedPhases = await page.evaluate(keystrokePhases);
  if (process.env['BENCH_DEBUG']) {
    // The slowest paced keys, split: where does the tail come from?
    const worst = pacedPhases.map((p) => [p.reduce((a, b) => a + b, 0), ...p]).sort((a, b) => b[0]! - a[0]!).slice(0, 6);
    console.log('slowest paced keys: total | sent | request | wait | render');
    for (const w of worst) console.log(w.map((x) => x!.toFixed(1)).join(' | '));
  }
  const longDuringPaced = await page.evaluate(() => (globalThis as unknown as BrowserGlobal).bench.longTasks.splice(0));

  // Scroll the whole uncertain-first queue (5,000 crops), a screen per frame.
  await page.getByTestId('mode-uncertain').click();
  // The switch itself re-lays out every cell: its long task is counted apart from the scroll's.
  await page.waitForTimeout(500);
  const longDuringSwitch = await page.evaluate(() => {
    const b = (globalThis as unknown as BrowserGlobal).bench;
    b.longTaskStarts.splice(0);
    return b.longTasks.splice(0);
  });
  // A flick (half a screen per frame, to the end of the queue), then reading pace (24 px per frame,
  // about 1.5 px/ms, under the gallery's flick threshold: every crop loads as it appears), back up.
  const scrollRun = (pxPerFrame: number | null, maxFrames: number) =>
    page.evaluate(
      ([px, max]) =>
        new Promise<{ frames: number; ms: number; start: number }>((done) => {
          const g = globalThis as unknown as BrowserGlobal;
          const el = g.document.querySelector('[data-testid="gallery"]')!;
          const start = performance.now();
          let frames = 0;
          const step = () => {
            frames++;
            el.scrollTop += px ?? el.clientHeight / 2;
            const end = px === null ? el.scrollTop + el.clientHeight >= el.scrollHeight - 2 : el.scrollTop <= 0;
            if (end || frames >= max) return done({ frames, ms: performance.now() - start, start });
            g.requestAnimationFrame(step);
          };
          g.requestAnimationFrame(step);
        }),
      [pxPerFrame, maxFrames] as const,
    );
  const longTasksSince = async (start: number) => {
    await page.waitForTimeout(300);
    const durations = await page.evaluate(() => (globalThis as unknown as BrowserGlobal).bench.longTasks.splice(0));
    const at = (await page.evaluate(() => (globalThis as unknown as BrowserGlobal).bench.longTaskStarts.splice(0))).map((t) => t - start);
    return { durations, at };
  };
  const scroll = process.env['BENCH_TRACE'] ? await traced(browser, page, 'the scroll', () => scrollRun(null, 10_000)) : await scrollRun(null, 10_000);
  const scrollLong = await longTasksSince(scroll.start);
  const reading = await scrollRun(-24, 240);
  const readingLong = await longTasksSince(reading.start);

  const base = pct(rtt, 50);
  rows.push(['API round trip getAppInfo (baseline)', base.toFixed(1), pct(rtt, 95).toFixed(1), '1.00', `${rtt.length} calls`]);
  const keyRows = (title: string, xs: readonly number[], parts: readonly number[][], longTasks: readonly number[]) => {
    rows.push([`${title} (${CELLS} cells)`, pct(xs, 50).toFixed(1), pct(xs, 95).toFixed(1), (pct(xs, 50) / base).toFixed(2), `${xs.length} keys; long tasks ${longTasks.length}`]);
    for (const [i, name] of ['keydown → write request sent', 'write request (host: store + differential)', 'response received → result read in the page', 'result read → differential committed (render)'].entries()) {
      const ps = parts.map((p) => p[i]!);
      rows.push([`  of which: ${name}`, pct(ps, 50).toFixed(1), pct(ps, 95).toFixed(1), '', `${ps.length} keys matched to their request`]);
    }
  };
  keyRows('reclassify key → stored → differential shown, keys back to back', lat, phases, longDuringKeys);
  keyRows(`reclassify key → stored → differential shown, a key every ${PACE_MS} ms`, pacedLat, pacedPhases, longDuringPaced);
  const longNote = (l: { durations: number[]; at: number[] }) =>
    `long tasks > 50 ms: ${l.durations.length}${l.durations.length ? ` (max ${Math.max(...l.durations).toFixed(0)} ms; at ${l.at.map((t) => t.toFixed(0)).join(', ')} ms from the first frame)` : ''}`;
  rows.push([`scroll ${CELLS}-cell queue, half a screen per frame (flick)`, (scroll.ms / scroll.frames).toFixed(1) + ' /frame', '', '', `${scroll.frames} frames in ${scroll.ms.toFixed(0)} ms; ${longNote(scrollLong)}`]);
  rows.push(['scroll back up at reading pace, 24 px per frame', (reading.ms / reading.frames).toFixed(1) + ' /frame', '', '', `${reading.frames} frames in ${reading.ms.toFixed(0)} ms; ${longNote(readingLong)}`]);
  rows.push(['switch to the uncertain-first queue', '', '', '', `long tasks > 50 ms: ${longDuringSwitch.length}${longDuringSwitch.length ? ` (max ${Math.max(...longDuringSwitch).toFixed(0)} ms)` : ''}`]);
  rows.push(['one cached tile fetch (baseline)', cachedTile.toFixed(1), '', '1.00', '']);
  rows.push(['fresh view: open slide → all visible tiles', firstView.ms.toFixed(0), '', (firstView.ms / cachedTile).toFixed(1), `${firstView.n} tiles, first request at ${firstView.first.toFixed(0)} ms`]);
  rows.push(['fresh view: first tile request → all visible tiles loaded', (firstView.ms - firstView.first).toFixed(0), '', ((firstView.ms - firstView.first) / cachedTile).toFixed(1), 'the tiles alone (open dialog, slide hash and viewer start excluded)']);
  rows.push(['fresh view: zoom in ×1.5 → new tiles', pct(zooms, 50).toFixed(0), Math.max(...zooms).toFixed(0), (pct(zooms, 50) / cachedTile).toFixed(1), `${zooms.length} zooms (median, max); includes the viewer's 0.6 s zoom animation`]);
} finally {
  await browser.close();
  await serve.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log('| measure | median ms | p95/max ms | ratio to baseline | notes |');
console.log('|---|---:|---:|---:|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
