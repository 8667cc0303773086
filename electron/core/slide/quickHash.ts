/**
 * A fast content identity for a slide file, in the spirit of OpenSlide's `openslide.quickhash-1`
 * (which hashes a subset of the slide data rather than gigabytes of pixels):
 *
 *   sha256( "marrowscope-quickhash-1\0" ‖ fileSize as decimal ‖ "\0"
 *           ‖ first min(1 MiB, size) bytes ‖ last min(1 MiB, size) bytes
 *           ‖ for each property in code-point order of its name: name ‖ "\0" ‖ value ‖ "\0" )
 *
 * It identifies a slide (cache keys, stored analyses survive a rename or move); it is NOT an
 * integrity check: bytes in the middle of a large file are not covered, so corruption there goes
 * unnoticed. For multi-file formats (MIRAX, VMS) only the file that was opened is hashed, plus the
 * properties, which OpenSlide derives from the index files. Reading 2 MiB costs a few ms.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Bytes hashed at each end of the file. */
export const QUICKHASH_EDGE_BYTES = 1024 * 1024;

/** Computes the quick hash (lower-case sha256 hex) of the slide file at `path` with its OpenSlide properties. */
export async function quickHash(path: string, properties: Readonly<Record<string, string>>): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    hash.update(`marrowscope-quickhash-1\0${size}\0`);
    const edge = Math.min(QUICKHASH_EDGE_BYTES, size);
    const buf = Buffer.allocUnsafe(edge);
    for (const position of [0, size - edge]) {
      const { bytesRead } = await file.read(buf, 0, edge, position);
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  for (const name of Object.keys(properties).sort()) {
    hash.update(`${name}\0${properties[name]}\0`);
  }
  return hash.digest('hex');
}
