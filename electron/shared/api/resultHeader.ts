/**
 * The browser host can answer an API call with its Result in a response header instead of the
 * body, when the page asks for it and the Result is small. Why: after a keystroke Chromium defers
 * the page's networking tasks until the next frame is drawn (its DeferRendererTasksAfterInput
 * scheduling), and reading a response body is such a task while receiving the headers is not. A
 * reclassify keystroke's answer sat in the page for up to a frame (median 7 ms, p95 15 ms, traced)
 * before its body could be read. Electron's IPC is not affected; curl and tests that do not ask get
 * the body as always.
 */

/** Request header: the page takes a small Result in RESULT_HEADER. */
export const RESULT_IN_HEADER_REQUEST = 'x-marrowscope-result-in';
/** Response header carrying the Result as ASCII JSON (the body is then empty). */
export const RESULT_HEADER = 'x-marrowscope-result';
/** Larger Results go in the body: Chromium refuses response headers over 256 KiB in all. */
export const RESULT_HEADER_MAX_CHARS = 32 * 1024;

/**
 * JSON with every character outside printable ASCII written as a \u escape: a valid HTTP header
 * value (no control characters, no obs-text) that JSON.parse reads back to the same value.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
