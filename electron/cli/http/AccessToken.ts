import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie that carries the token after the first visit. */
export const TOKEN_COOKIE = 'marrowscope_token';
/** Header a script client may send instead of the cookie. */
export const TOKEN_HEADER = 'x-marrowscope-token';

/** How a request proved it holds the token, or 'none'. */
export type TokenProof = 'query' | 'cookie' | 'header' | 'none';

/**
 * The browser host's per-launch secret: 32 random bytes as hex, printed in the URL the user opens.
 * Any local process can reach 127.0.0.1, so every request must prove it was given the URL.
 */
export class AccessToken {
  readonly value: string;
  readonly #bytes: Buffer;

  constructor(value: string = randomBytes(32).toString('hex')) {
    this.value = value;
    this.#bytes = Buffer.from(value, 'utf8');
  }

  /** Constant-time comparison (no early exit that would leak the token byte by byte). */
  matches(candidate: string | null | undefined): boolean {
    if (typeof candidate !== 'string') return false;
    const c = Buffer.from(candidate, 'utf8');
    return c.length === this.#bytes.length && timingSafeEqual(c, this.#bytes);
  }

  /** Which proof the request carries: `?token=`, the cookie, or the header. */
  check(req: IncomingMessage, url: URL): TokenProof {
    if (this.matches(url.searchParams.get('token'))) return 'query';
    const header = req.headers[TOKEN_HEADER];
    if (this.matches(Array.isArray(header) ? header[0] : header)) return 'header';
    if (this.matches(cookieValue(req.headers.cookie, TOKEN_COOKIE))) return 'cookie';
    return 'none';
  }

  /** The Set-Cookie value that lets the browser prove the token on later requests (not readable by scripts). */
  cookie(): string {
    return `${TOKEN_COOKIE}=${this.value}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

/** The value of one cookie in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
