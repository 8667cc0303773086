import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A static file to send. */
export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly cacheControl: string;
}

/**
 * Resolves a URL path inside the renderer build: real files under `root` only (no traversal, no
 * dot-files); any other path without an extension is the single-page app's index.html. Vite's
 * hashed assets are immutable; index.html is revalidated so a rebuild shows at once.
 */
export async function readStaticFile(root: string, pathname: string): Promise<StaticFile | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const full = normalize(join(root, rel));
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  if (rel.split('/').some((seg) => seg.startsWith('.'))) return null;
  const file = (await isFile(full)) ? full : extname(rel) === '' ? join(root, 'index.html') : null;
  if (!file || !(await isFile(file))) return null;
  const ext = extname(file).toLowerCase();
  return {
    body: await readFile(file),
    contentType: TYPES[ext] ?? 'application/octet-stream',
    cacheControl: file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
