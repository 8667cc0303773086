import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { EVENT_NAMES } from '../../shared/api/contract.js';
import { parsePixelPath } from '../../shared/api/urls.js';
import type { ErrorInfo } from '../../shared/errors/AppError.js';
import type { Result } from '../../shared/errors/Result.js';
import { asciiJson, RESULT_HEADER, RESULT_HEADER_MAX_CHARS, RESULT_IN_HEADER_REQUEST } from '../../shared/api/resultHeader.js';
import type { ApiEvents } from '../../core/api/ApiEvents.js';
import { callHandler, type ApiHandlers } from '../../core/api/createApiHandlers.js';
import type { PixelServer } from '../../core/api/createPixelServer.js';
import { AccessToken } from './AccessToken.js';
import { SECURITY_HEADERS } from './securityHeaders.js';
import { readStaticFile } from './staticFiles.js';

/** Path prefix of the typed API: POST /api/<request name> with a JSON payload. */
export const API_PREFIX = '/api/';
/** The Server-Sent Events stream of API events. */
export const EVENTS_PATH = '/events';
/** Largest JSON payload accepted (a 20,000-cell reclassification is ≈ 0.5 MB). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** The HTTP route that serves a contract entry. */
export function httpRouteFor(name: string): string {
  return API_PREFIX + name;
}

/** What the browser host is built from. */
export interface HttpHostOptions {
  readonly handlers: ApiHandlers;
  readonly pixels: PixelServer;
  readonly events: ApiEvents;
  /** The renderer build (renderer/dist). */
  readonly staticDir: string;
  readonly token?: AccessToken;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Seconds between SSE keep-alive comments (default 15). */
  readonly heartbeatSeconds?: number;
}

/** A running browser host. */
export interface HttpHost {
  readonly server: Server;
  readonly port: number;
  readonly token: AccessToken;
  /** The URL to open, token included. */
  readonly url: string;
  close(): Promise<void>;
}

/** Only the loopback interface: the host is for this machine's user, never the network. */
export const HTTP_HOST_ADDRESS = '127.0.0.1';

/**
 * Starts the browser host: the same API as Electron's IPC over HTTP on 127.0.0.1 only, guarded by
 * a per-launch token (query once → HttpOnly SameSite=Strict cookie, or a header), a Host-header
 * check against DNS rebinding, an Origin check on API calls, and a strict CSP on every response.
 */
export async function createHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const token = options.token ?? new AccessToken();
  const staticDir = resolve(options.staticDir);
  const sse = new Set<ServerResponse>();
  let port = 0;

  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, `Internal error: ${err instanceof Error ? err.message : String(err)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const allowedHosts = [`${HTTP_HOST_ADDRESS}:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(req.headers.host ?? '')) return sendText(res, 421, 'Wrong Host header: this server answers only on ' + allowedHosts.join(' or '));
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const proof = token.check(req, url);
    if (proof === 'none') {
      return sendText(res, 401, 'Marrowscope: this address needs the access token. Open the full link that `marrowscope serve` printed (it ends in ?token=…).');
    }
    if (proof === 'query') res.setHeader('Set-Cookie', token.cookie());
    if (proof === 'query' && req.method === 'GET' && !url.pathname.startsWith(API_PREFIX) && acceptsHtml(req)) {
      // Take the token out of the address bar and history; the cookie carries it from now on.
      url.searchParams.delete('token');
      res.writeHead(303, { Location: url.pathname + url.search });
      res.end();
      return;
    }

    if (url.pathname.startsWith(API_PREFIX)) return api(req, res, url.pathname.slice(API_PREFIX.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, `${req.method} is not allowed here`);
    if (url.pathname === EVENTS_PATH) return events(req, res);
    const pixel = parsePixelPath(url.pathname);
    if (pixel) return pixels(req, res, pixel);
    if (url.pathname.startsWith('/tiles/') || url.pathname.startsWith('/crops/') || url.pathname.startsWith('/thumbs/')) {
      return sendText(res, 404, 'Not a valid tile, thumbnail or crop address');
    }
    const file = await readStaticFile(staticDir, url.pathname);
    if (!file) {
      if (url.pathname === '/' || url.pathname === '/index.html') {
        return sendText(res, 503, `The renderer is not built (no ${staticDir}/index.html). Run: npm run build:renderer`);
      }
      return sendText(res, 404, 'Not found');
    }
    res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': file.body.length, 'Cache-Control': file.cacheControl });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function api(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const sendResult = (status: number, result: Result<unknown>) => sendApiResult(res, status, result, req.headers[RESULT_IN_HEADER_REQUEST] === 'header');
    if (req.method !== 'POST') return sendResult(405, { ok: false, error: { code: 'VALIDATION_FAILED', message: `Use POST for ${API_PREFIX}${name}` } });
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      return sendResult(403, { ok: false, error: { code: 'VALIDATION_FAILED', message: `Cross-origin API call from ${origin} refused` } });
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendResult(415, { ok: false, error: { code: 'VALIDATION_FAILED', message: 'Expected Content-Type: application/json' } });
    }
    let payload: unknown;
    try {
      const text = await readBody(req, MAX_BODY_BYTES);
      payload = text.trim() === '' ? {} : JSON.parse(text);
    } catch (err) {
      return sendResult(400, { ok: false, error: { code: 'VALIDATION_FAILED', message: `Unreadable request body for ${name}: ${(err as Error).message}` } });
    }
    const result = await callHandler(options.handlers, name, payload);
    sendResult(result.ok ? 200 : statusFor(result.error), result);
  }

  async function pixels(req: IncomingMessage, res: ServerResponse, pixel: NonNullable<ReturnType<typeof parsePixelPath>>): Promise<void> {
    const abort = new AbortController();
    // The viewer cancels stale tiles on pan: stop the work when the browser hangs up.
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const result = await options.pixels(pixel, abort.signal);
    if (abort.signal.aborted) return;
    if (!result.ok) return sendText(res, statusFor(result.error), `${result.error.code}: ${result.error.message}`);
    res.writeHead(200, {
      'Content-Type': result.value.contentType,
      'Content-Length': result.value.data.byteLength,
      // Ids are per session (tiles) or immutable (cells never change), so the bytes behind a URL never change.
      'Cache-Control': 'private, max-age=86400, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : result.value.data);
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(`: connected; events: ${EVENT_NAMES.join(', ')}\nretry: 2000\n\n`);
    sse.add(res);
    const unsubscribe = options.events.subscribe((name, payload) => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const beat = setInterval(() => res.write(': keep-alive\n\n'), (options.heartbeatSeconds ?? 15) * 1000);
    beat.unref();
    req.on('close', () => {
      clearInterval(beat);
      unsubscribe();
      sse.delete(res);
    });
  }

  await new Promise<void>((ok, bad) => {
    server.once('error', bad);
    server.listen(options.port ?? 0, HTTP_HOST_ADDRESS, () => {
      server.off('error', bad);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    token,
    url: `http://${HTTP_HOST_ADDRESS}:${port}/?token=${token.value}`,
    close: () =>
      new Promise<void>((ok) => {
        for (const res of sse) res.end();
        server.close(() => ok());
        server.closeIdleConnections();
      }),
  };
}

/** The HTTP status that goes with an error code (the body is the Result either way). */
export function statusFor(error: ErrorInfo): number {
  switch (error.code) {
    case 'VALIDATION_FAILED':
      return 400;
    case 'NOT_FOUND':
    case 'SLIDE_NOT_FOUND':
      return 404;
    case 'INTERNAL':
      return 500;
    default:
      return 422;
  }
}

function acceptsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text + '\n');
}

/** The Result as the body, or in RESULT_HEADER when the page asked and it is small (see resultHeader.ts). */
function sendApiResult(res: ServerResponse, status: number, result: Result<unknown>, inHeader: boolean): void {
  if (inHeader) {
    const json = asciiJson(result);
    if (json.length <= RESULT_HEADER_MAX_CHARS) {
      res.writeHead(status, { [RESULT_HEADER]: json, 'Cache-Control': 'no-store', 'Content-Length': 0 });
      res.end();
      return;
    }
  }
  const body = JSON.stringify(result);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((ok, bad) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        bad(new Error(`the body is larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', bad);
  });
}
