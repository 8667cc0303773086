import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { contract, events, EVENT_NAMES, REQUEST_NAMES } from '../../../electron/shared/api/contract.js';
import { createApiRuntime } from '../../../electron/core/api/createApiRuntime.js';
import { createHttpHost, httpRouteFor } from '../../../electron/cli/http/createHttpHost.js';
import { projectRoot } from '../../../electron/core/paths.js';
import { registerApi } from '../../../electron/main/registerApi.js';
import { API_CHANNEL } from '../../../electron/main/ipcChannels.js';
import { APP_ORIGIN, createAppProtocolHandler } from '../../../electron/main/appProtocol.js';
import { createBridge } from '../../../electron/preload/preload.cjs';

test('every contract entry has a zod request schema and a summary', () => {
  assert.ok(REQUEST_NAMES.length >= 20);
  for (const name of REQUEST_NAMES) {
    const entry = contract[name];
    assert.ok(entry.request instanceof z.ZodType, `${name} has a schema`);
    assert.ok(entry.summary.length > 10, `${name} has a summary`);
    assert.equal('response' in entry, false, `${name}: the response is a type only`);
  }
  for (const name of EVENT_NAMES) assert.ok(events[name] instanceof z.ZodType, `event ${name} has a schema`);
  for (const required of ['listCases', 'listSlides', 'openSlide', 'proposeRegions', 'startAnalysis', 'cancelAnalysis', 'getAnalysisStatus', 'listCells', 'getCell', 'reclassify', 'confirm', 'defer', 'undo', 'redo', 'getDifferential', 'getTaxonomy']) {
    assert.ok((REQUEST_NAMES as string[]).includes(required), `the contract has ${required}`);
  }
  assert.deepEqual([...EVENT_NAMES].sort(), ['analysisFinished', 'analysisProgress', 'openSlideRequested']);
});

test('every contract entry has exactly one handler, and it validates its payload', async () => {
  const runtime = createApiRuntime({ host: 'browser', browseRoots: [] });
  try {
    assert.deepEqual(Object.keys(runtime.handlers).sort(), [...REQUEST_NAMES].sort());
    for (const name of REQUEST_NAMES) {
      const r = await runtime.handlers[name]({ __unexpected: true } as never);
      assert.equal(r.ok, false, name);
      assert.equal(!r.ok && r.error.code, 'VALIDATION_FAILED', `${name} rejects an unknown field`);
    }
  } finally {
    await runtime.close();
  }
});

test('every contract entry has an HTTP route on the browser host', async () => {
  const runtime = createApiRuntime({ host: 'browser', browseRoots: [] });
  const host = await createHttpHost({ handlers: runtime.handlers, pixels: runtime.pixels, events: runtime.events, staticDir: '/nonexistent', port: 0 });
  try {
    for (const name of REQUEST_NAMES) {
      const res = await fetch(`http://127.0.0.1:${host.port}${httpRouteFor(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-marrowscope-token': host.token.value },
        body: JSON.stringify({ __unexpected: true }),
      });
      const body = (await res.json()) as { ok: boolean; error?: { code: string; message: string } };
      // Routed to the handler: it answers the handler's VALIDATION_FAILED, not "no such request".
      assert.equal(body.error?.code, 'VALIDATION_FAILED', `${name} → ${res.status} ${JSON.stringify(body)}`);
      assert.match(body.error?.message ?? '', new RegExp(`${name}`), name);
    }
  } finally {
    await host.close();
    await runtime.close();
  }
});

// The Electron shell: main registers the contract over one IPC channel, the preload bridges it.
// Both are driven here through fakes of ipcMain/ipcRenderer wired to each other (Electron itself
// cannot run on the build machines).
test('the Electron main process answers every contract entry over IPC, from trusted pages only', async () => {
  const runtime = createApiRuntime({ host: 'electron', browseRoots: [] });
  try {
    let listener: ((event: { senderFrame: { url: string } | null }, ...args: unknown[]) => Promise<unknown>) | undefined;
    registerApi({ handle: (channel, l) => { assert.equal(channel, API_CHANNEL); listener = l; } }, runtime.handlers, (url) => url.startsWith(`${APP_ORIGIN}/`));
    assert.ok(listener, 'one handler registered');
    const invoke = createBridge(
      { invoke: (channel: string, ...args: unknown[]) => { assert.equal(channel, API_CHANNEL); return listener!({ senderFrame: { url: `${APP_ORIGIN}/index.html` } }, ...args); }, on: () => undefined, removeListener: () => undefined } as never,
      () => '',
    ).invoke;
    for (const name of REQUEST_NAMES) {
      const r = (await invoke(name, { __unexpected: true })) as { ok: boolean; error?: { code: string; message: string } };
      assert.equal(r.error?.code, 'VALIDATION_FAILED', `${name} reaches its handler through the preload`);
      assert.match(r.error?.message ?? '', new RegExp(name), name);
    }
    const untrusted = (await listener!({ senderFrame: { url: 'https://evil.example/' } }, 'getAppInfo', {})) as { ok: boolean; error: { message: string } };
    assert.equal(untrusted.ok, false);
    assert.match(untrusted.error.message, /untrusted/);
    const unknown = (await listener!({ senderFrame: { url: `${APP_ORIGIN}/` } }, 'dropDatabase', {})) as { ok: boolean };
    assert.equal(unknown.ok, false);
  } finally {
    await runtime.close();
  }
});

test('the app protocol serves the renderer with the CSP and refuses pixels of slides not opened', async () => {
  const runtime = createApiRuntime({ host: 'electron', browseRoots: [] });
  try {
    const handler = createAppProtocolHandler({ pixels: runtime.pixels, staticDir: join(projectRoot(), 'renderer', 'dist') });
    const tile = await handler(new Request(`${APP_ORIGIN}/tiles/s-notopened/10/0_0.jpeg`));
    assert.equal(tile.status, 404);
    assert.match(tile.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    // A path that climbs out is resolved inside the build (the SPA's index at most), never the file system.
    const outside = await handler(new Request(`${APP_ORIGIN}/../../etc/passwd`));
    assert.doesNotMatch(await outside.text(), /root:.*:0:0:/);
    if (existsSync(join(projectRoot(), 'renderer', 'dist', 'index.html'))) {
      const index = await handler(new Request(`${APP_ORIGIN}/index.html`));
      assert.equal(index.status, 200);
      assert.match(await index.text(), /<html/i);
    }
    assert.equal((await handler(new Request(`${APP_ORIGIN}/index.html`, { method: 'POST' }))).status, 405);
  } finally {
    await runtime.close();
  }
});
