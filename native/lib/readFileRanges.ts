import { loadAddon } from './loadAddon.js';
import { toAppError } from './toAppError.js';

/**
 * The bytes of each { offset, length } range of the file at `path`, read with pread on one libuv
 * worker thread (one open for all, no JS round trip per system call): a slide's stored tiles.
 * Throws SLIDE_READ_FAILED when the file cannot be opened or a range runs past its end,
 * VALIDATION_FAILED for a range that is not an integer offset ≥ 0 and a length of 1 byte to 256 MiB.
 */
export async function readFileRanges(path: string, ranges: readonly { readonly offset: number; readonly length: number }[]): Promise<Buffer[]> {
  try {
    return await loadAddon().readFileRanges(path, ranges.map((r) => r.offset), ranges.map((r) => r.length));
  } catch (err) {
    throw toAppError(err, `Reading ${ranges.length} byte range(s) of ${path}`);
  }
}
