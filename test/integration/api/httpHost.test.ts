import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../../../electron/core/paths.js';
import { createApiRuntime, type ApiRuntime } from '../../../electron/core/api/createApiRuntime.js';
import { createHttpHost, type HttpHost } from '../../../electron/cli/http/createHttpHost.js';
import { CONTENT_SECURITY_POLICY } from '../../../electron/cli/http/securityHeaders.js';
import { RESULT_HEADER, RESULT_HEADER_MAX_CHARS, RESULT_IN_HEADER_REQUEST } from '../../../electron/shared/api/resultHeader.js';

const SLIDE = join(sharedDataDir(), 'slides', 'cmu-1-small-region.svs');
const skip = existsSync(SLIDE) ? false : `needs ${SLIDE} (../shared/data)`;

let runtime: ApiRuntime;
let host: HttpHost;
let staticDir: string;

before(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'ms-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Marrowscope</title>');
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'ms-secret.txt'), 'secret');
  runtime = createApiRuntime({ host: 'browser', browseRoots: [{ name: 'Slides', path: join(sharedDataDir(), 'slides'), kind: 'directory' }] });
  host = await createHttpHost({ handlers: runtime.handlers, pixels: runtime.pixels, events: runtime.events, staticDir, port: 0, heartbeatSeconds: 1 });
});

after(async () => {
  await host.close();
  await runtime.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; hostHeader?: string } = {}): Promise<Reply> {
  return new Promise((ok, bad) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: { Host: opts.hostHeader ?? `127.0.0.1:${host.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', bad);
    req.end(opts.body);
  });
}

const auth = () => ({ 'x-marrowscope-token': host.token.value });
const post = (name: string, payload: unknown) =>
  send(`/api/${name}`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(payload) });

test('binds to 127.0.0.1 only and prints a URL with a 64-hex-digit token', () => {
  assert.equal((host.server.address() as { address: string }).address, '127.0.0.1');
  assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
});

test('every request needs the token; the query form sets an HttpOnly SameSite=Strict cookie and redirects it out of the URL', async () => {
  const none = await send('/');
  assert.equal(none.status, 401);
  assert.equal(none.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  assert.equal((await send('/?token=' + '0'.repeat(64))).status, 401);
  assert.equal((await send('/api/getAppInfo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 401);
  const first = await send(`/?token=${host.token.value}`, { headers: { accept: 'text/html' } });
  assert.equal(first.status, 303);
  assert.equal(first.headers.location, '/');
  const cookie = String(first.headers['set-cookie']);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const withCookie = await send('/', { headers: { cookie: cookie.split(';')[0]! } });
  assert.equal(withCookie.status, 200);
  assert.match(withCookie.body.toString(), /<title>Marrowscope<\/title>/);
  assert.equal(withCookie.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  assert.equal(withCookie.headers['x-frame-options'], 'DENY');
});

test('a foreign Host header (DNS rebinding) and a cross-origin API call are refused', async () => {
  assert.equal((await send('/', { headers: auth(), hostHeader: 'evil.example:80' })).status, 421);
  const cross = await send('/api/getAppInfo', {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json', origin: 'http://evil.example' },
    body: '{}',
  });
  assert.equal(cross.status, 403);
  const notJson = await send('/api/getAppInfo', { method: 'POST', headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' });
  assert.equal(notJson.status, 415);
});

test('static files: SPA fallback to index.html, immutable hashed assets, no traversal or dot-files', async () => {
  const deep = await send('/review/run/3', { headers: auth() });
  assert.equal(deep.status, 200);
  assert.match(deep.body.toString(), /Marrowscope/);
  const asset = await send('/assets/app-1234.js', { headers: auth() });
  assert.equal(asset.status, 200);
  assert.match(String(asset.headers['cache-control']), /immutable/);
  assert.match(String(asset.headers['content-type']), /javascript/);
  for (const p of ['/../ms-secret.txt', '/%2e%2e/ms-secret.txt', '/assets/../../ms-secret.txt', '/.env', '/x.txt']) {
    const r = await send(p, { headers: auth() });
    assert.ok(r.status === 404 && !r.body.toString().includes('secret'), `${p} → ${r.status}`);
  }
});

test('API: results are values with codes, malformed JSON and bad fields are VALIDATION_FAILED', async () => {
  const info = await post('getAppInfo', {});
  assert.equal(info.status, 200);
  const value = JSON.parse(info.body.toString());
  assert.equal(value.ok, true);
  assert.equal(value.value.host, 'browser');
  const broken = await send('/api/openSlide', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"path":' });
  assert.equal(broken.status, 400);
  assert.equal(JSON.parse(broken.body.toString()).error.code, 'VALIDATION_FAILED');
  const bad = await post('listCells', { runId: '1', limit: 0 });
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.body.toString()).error.message, /listCells\.limit/);
  const unknown = await post('dropTables', {});
  assert.equal(unknown.status, 404);
  assert.equal((await send('/api/getAppInfo', { headers: auth() })).status, 405);
});

test('a page that asks gets a small Result in a header (ASCII JSON, empty body); a large one and a caller that does not ask get the body', async () => {
  const ask = { ...auth(), 'content-type': 'application/json', [RESULT_IN_HEADER_REQUEST]: 'header' };
  const info = await send('/api/getAppInfo', { method: 'POST', headers: ask, body: '{}' });
  assert.equal(info.status, 200);
  assert.equal(info.body.length, 0);
  const inHeader = String(info.headers[RESULT_HEADER]);
  assert.match(inHeader, /^[\x20-\x7e]+$/);
  assert.deepEqual(JSON.parse(inHeader), JSON.parse((await post('getAppInfo', {})).body.toString()));
  assert.equal((await post('getAppInfo', {})).headers[RESULT_HEADER], undefined);
  // An error Result travels the same way, with its status.
  const bad = await send('/api/listCells', { method: 'POST', headers: ask, body: JSON.stringify({ runId: '1', limit: 0 }) });
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(String(bad.headers[RESULT_HEADER])).error.message, /listCells\.limit/);
  // A Result over the limit (an error naming a 40,000-character path) comes in the body.
  const long = await send('/api/openSlide', { method: 'POST', headers: ask, body: JSON.stringify({ path: '/nowhere/' + 'x'.repeat(40_000) + '.svs' }) });
  assert.equal(long.headers[RESULT_HEADER], undefined);
  const json = long.body.toString();
  assert.ok(json.length > RESULT_HEADER_MAX_CHARS, `${json.length} characters`);
  assert.equal(JSON.parse(json).ok, false);
});

test('a real slide: open it, fetch a Deep Zoom tile and the thumbnail as JPEG with caching headers; other ids get nothing', { skip }, async () => {
  const opened = JSON.parse((await post('openSlide', { path: SLIDE })).body.toString());
  assert.equal(opened.ok, true, JSON.stringify(opened));
  const view = opened.value;
  assert.equal(view.width, 2220);
  assert.deepEqual(view.mpp, { x: 0.499, y: 0.499 });
  const tileUrl = view.tileSource.tileUrlTemplate.replace('{level}', String(view.tileSource.maxLevel)).replace('{col}', '1').replace('{row}', '2');
  const tile = await send(tileUrl, { headers: auth() });
  assert.equal(tile.status, 200);
  assert.equal(tile.headers['content-type'], 'image/jpeg');
  assert.match(String(tile.headers['cache-control']), /immutable/);
  assert.deepEqual([...tile.body.subarray(0, 2)], [0xff, 0xd8]);
  const thumb = await send(view.thumbnailUrl, { headers: auth() });
  assert.equal(thumb.status, 200);
  assert.deepEqual([...thumb.body.subarray(0, 2)], [0xff, 0xd8]);
  const outside = await send(view.tileSource.tileUrlTemplate.replace('{level}', '1').replace('{col}', '9').replace('{row}', '0'), { headers: auth() });
  assert.equal(outside.status, 400);
  const foreign = await send('/tiles/AAAAAAAAAAAA/1/0_0.jpeg', { headers: auth() });
  assert.equal(foreign.status, 404);
  const broken = JSON.parse((await post('openSlide', { path: join(sharedDataDir(), 'slides', 'broken.svs') })).body.toString());
  assert.equal(broken.ok, false);
  assert.match(broken.error.code, /^SLIDE_/);
});

test('the open-slide dialog lists folders and slide files only', { skip }, async () => {
  const listing = JSON.parse((await post('browseFiles', {})).body.toString());
  assert.equal(listing.ok, true);
  const names = listing.value.entries.map((e: { name: string }) => e.name);
  assert.ok(names.includes('cmu-1-small-region.svs'));
  assert.ok(!names.includes('boxes.png'), 'not a slide format');
  assert.ok(!names.some((n: string) => n.startsWith('.')));
});

test('Server-Sent Events deliver API events to a connected client', async () => {
  const received = await new Promise<string>((ok, bad) => {
    const req = request({ host: '127.0.0.1', port: host.port, path: '/events', headers: { ...auth(), Host: `127.0.0.1:${host.port}` } }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('connected')) {
          runtime.events.emit('analysisProgress', { runId: '7', regionsDone: 1, regionsTotal: 4, cellsFound: 30, cellsClassified: 28, etaSeconds: 12 });
        }
        if (text.includes('event: analysisProgress')) {
          req.destroy();
          ok(text);
        }
      });
    });
    req.on('error', bad);
    req.end();
  });
  const data = /data: (.*)\n/.exec(received.slice(received.indexOf('event: analysisProgress')))?.[1];
  assert.deepEqual(JSON.parse(data ?? 'null'), { runId: '7', regionsDone: 1, regionsTotal: 4, cellsFound: 30, cellsClassified: 28, etaSeconds: 12 });
  // The listener goes away with the connection.
  for (let i = 0; i < 50 && runtime.events.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(runtime.events.size, 0);
});
