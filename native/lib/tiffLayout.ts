import { open } from 'node:fs/promises';

/**
 * Why a TIFF-based file looks truncated, or undefined when it does not. OpenSlide returns "not
 * recognised" for a TIFF whose directory chain runs past the end of the file, which would
 * mislead a user holding a half-copied .svs; this check tells the two apart on the error path.
 */
export async function tiffDamage(path: string): Promise<string | undefined> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const read = async (offset: number, length: number): Promise<Buffer | undefined> => {
      if (offset + length > size) return undefined;
      const buf = Buffer.alloc(length);
      await file.read(buf, 0, length, offset);
      return buf;
    };
    const header = await read(0, 16);
    if (!header) return undefined;
    const order = header.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') return undefined;
    const le = order === 'II';
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const magic = u16(header, 2);
    if (magic !== 42 && magic !== 43) return undefined;
    const big = magic === 43;
    // Classic TIFF: 2-byte entry count, 12-byte entries, 4-byte next offset; BigTIFF: 8, 20, 8.
    const [countSize, entrySize, nextSize] = big ? [8, 20, 8] : [2, 12, 4];
    let offset = big ? u64(header, 8) : u32(header, 4);
    const seen = new Set<number>();
    for (let dir = 0; offset !== 0 && !seen.has(offset) && dir < 10_000; dir++) {
      seen.add(offset);
      const countBuf = await read(offset, countSize);
      if (!countBuf) return truncated(dir, offset, size);
      const count = big ? u64(countBuf, 0) : u16(countBuf, 0);
      const nextBuf = await read(offset + countSize + count * entrySize, nextSize);
      if (!nextBuf) return truncated(dir, offset, size);
      offset = big ? u64(nextBuf, 0) : u32(nextBuf, 0);
    }
    return undefined;
  } finally {
    await file.close();
  }
}

function truncated(dir: number, offset: number, size: number): string {
  return `TIFF directory ${dir} at byte ${offset} lies beyond the end of the ${size}-byte file: the file is truncated or damaged (an incomplete copy?)`;
}
