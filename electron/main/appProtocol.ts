import { readStaticFile } from '../cli/http/staticFiles.js';
import { SECURITY_HEADERS } from '../cli/http/securityHeaders.js';
import type { PixelServer } from '../core/api/createPixelServer.js';
import { parsePixelPath } from '../shared/api/urls.js';

/** The privileged scheme the renderer is loaded from: marrowscope://app/... */
export const APP_SCHEME = 'marrowscope';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/**
 * The app protocol's request handler (Electron's protocol.handle takes exactly this shape): the
 * same pixel paths as the browser host, served only for slides opened this session (the pixel
 * server checks the session's ids), and the renderer build; every response carries the CSP.
 */
export function createAppProtocolHandler(options: { readonly pixels: PixelServer; readonly staticDir: string }): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.origin !== APP_ORIGIN && `${url.protocol}//${url.host}` !== APP_ORIGIN) return respond(404, 'Not found');
    if (request.method !== 'GET') return respond(405, 'Method not allowed');
    const pixel = parsePixelPath(url.pathname);
    if (pixel) {
      const r = await options.pixels(pixel, request.signal);
      if (!r.ok) return respond(r.error.code === 'NOT_FOUND' || r.error.code === 'VALIDATION_FAILED' ? 404 : 500, r.error.message);
      return new Response(Buffer.from(r.value.data), { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': r.value.contentType, 'Cache-Control': 'private, max-age=3600' } });
    }
    const file = await readStaticFile(options.staticDir, url.pathname);
    if (!file) return respond(404, 'Not found');
    return new Response(file.body, { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': file.contentType, 'Cache-Control': file.cacheControl } });
  };
}

function respond(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}
