import { open } from 'node:fs/promises';

/** One TIFF image directory (IFD): the fields the facade needs to judge a pyramid level. */
export interface TiffDirectory {
  readonly width: number;
  readonly height: number;
  /** 0 for a stripped (untiled) image. */
  readonly tileWidth: number;
  readonly tileHeight: number;
  readonly compression: number;
}

/** The directories of a TIFF file, or why the chain is broken (a truncated file). */
export interface TiffLayout {
  readonly directories: readonly TiffDirectory[];
  readonly damage?: string;
}

const TAG = { width: 256, height: 257, compression: 259, tileWidth: 322, tileHeight: 323 } as const;

/**
 * Walks the directory chain of a classic or Big TIFF (only a few small reads, whatever the file
 * size). Undefined when the file is not a TIFF.
 */
export async function readTiffLayout(path: string): Promise<TiffLayout | undefined> {
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
    const order = header?.toString('latin1', 0, 2);
    if (!header || (order !== 'II' && order !== 'MM')) return undefined;
    const le = order === 'II';
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const magic = u16(header, 2);
    if (magic !== 42 && magic !== 43) return undefined;
    const big = magic === 43;
    // Classic TIFF: 2-byte entry count, 12-byte entries, 4-byte offsets; BigTIFF: 8, 20, 8.
    const [countSize, entrySize, offsetSize] = big ? [8, 20, 8] : [2, 12, 4];
    const directories: TiffDirectory[] = [];
    let offset = big ? u64(header, 8) : u32(header, 4);
    const seen = new Set<number>();
    for (let dir = 0; offset !== 0 && !seen.has(offset) && dir < 10_000; dir++) {
      seen.add(offset);
      const countBuf = await read(offset, countSize);
      const count = countBuf ? (big ? u64(countBuf, 0) : u16(countBuf, 0)) : 0;
      const body = countBuf && (await read(offset + countSize, count * entrySize + offsetSize));
      if (!body) return { directories, damage: truncated(dir, offset, size) };
      const fields = new Map<number, number>();
      for (let i = 0; i < count; i++) {
        const e = i * entrySize;
        const type = u16(body, e + 2);
        // SHORT (3) or LONG (4) / LONG8 (16) single values are stored inline after tag, type, count.
        const v = e + (big ? 12 : 8);
        if (type === 3) fields.set(u16(body, e), u16(body, v));
        else if (type === 4) fields.set(u16(body, e), u32(body, v));
        else if (type === 16 && big) fields.set(u16(body, e), u64(body, v));
      }
      directories.push({
        width: fields.get(TAG.width) ?? 0,
        height: fields.get(TAG.height) ?? 0,
        tileWidth: fields.get(TAG.tileWidth) ?? 0,
        tileHeight: fields.get(TAG.tileHeight) ?? 0,
        compression: fields.get(TAG.compression) ?? 1,
      });
      const next = count * entrySize;
      offset = big ? u64(body, next) : u32(body, next);
    }
    return { directories };
  } finally {
    await file.close();
  }
}

// JPEG (7) and Aperio's JPEG 2000 (33003, 33005): OpenSlide 3.4.1 decodes these itself.
const SELF_DECODED = new Set([7, 33003, 33005]);

/**
 * How many leading pyramid levels OpenSlide 3.4.1 reads correctly. It decodes other compressions
 * with libtiff's TIFFReadRGBATile, which (libtiff 4.5, Debian 12) returns uninitialised or blank
 * pixels for an image narrower or shorter than one tile; such levels are always the smallest,
 * and the facade resamples them from the last good level.
 */
export function readableLevelCount(layout: TiffLayout, levels: readonly { width: number; height: number }[]): number {
  for (let i = 1; i < levels.length; i++) {
    const level = levels[i]!;
    const dir = layout.directories.find((d) => d.tileWidth > 0 && d.width === level.width && d.height === level.height);
    if (dir && !SELF_DECODED.has(dir.compression) && (dir.width < dir.tileWidth || dir.height < dir.tileHeight)) return i;
  }
  return levels.length;
}

function truncated(dir: number, offset: number, size: number): string {
  return `TIFF directory ${dir} at byte ${offset} lies beyond the end of the ${size}-byte file: the file is truncated or damaged (an incomplete copy?)`;
}
