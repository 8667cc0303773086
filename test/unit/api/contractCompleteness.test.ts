import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { contract, events, EVENT_NAMES, REQUEST_NAMES } from '../../../electron/shared/api/contract.js';
import { createApiRuntime } from '../../../electron/core/api/createApiRuntime.js';
import { createHttpHost, httpRouteFor } from '../../../electron/cli/http/createHttpHost.js';
import { projectRoot } from '../../../electron/core/paths.js';

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
  assert.deepEqual([...EVENT_NAMES].sort(), ['analysisFinished', 'analysisProgress']);
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

// The Electron shell comes in a later step: its preload must expose the contract generically
// (Object.keys(contract)) and main must register handlers the same way. Checked once they exist.
const preload = join(projectRoot(), 'electron', 'preload', 'preload.ts');
const main = join(projectRoot(), 'electron', 'main', 'ipc.ts');
test('the Electron preload exposes one function per contract entry', { skip: existsSync(preload) ? false : 'electron/preload/preload.ts is not written yet' }, () => {
  const text = readFileSync(preload, 'utf8');
  assert.match(text, /Object\.keys\(contract\)|REQUEST_NAMES/, 'the preload derives its functions from the contract');
});
test('the Electron main process registers one IPC handler per contract entry', { skip: existsSync(main) ? false : 'electron/main/ipc.ts is not written yet' }, () => {
  const text = readFileSync(main, 'utf8');
  assert.match(text, /createApiHandlers|REQUEST_NAMES/, 'IPC handlers come from createApiHandlers over the contract');
});
