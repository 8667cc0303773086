/**
 * A slide's stored JPEG tiles, read without OpenSlide. TileService serves one as it is when a Deep
 * Zoom tile coincides exactly with it (no decode, no re-encode, no generation loss, ~20× less CPU),
 * and otherwise cuts a Deep Zoom tile from the stored tiles it overlaps with libjpeg-turbo
 * (native/lib/decodeJpegTiles.ts) instead of OpenSlide's read_region.
 *
 * Only where the stored bytes are a self-describing JPEG that any decoder turns into the pixels
 * OpenSlide returns: a TIFF (generic-tiff or aperio) level with JPEG compression (7), 8-bit, 3
 * samples, contiguous planes, Photometric YCbCr or RGB. Untransformed RGB data is marked with
 * component ids 'R','G','B' (as libtiff/vips write it, and as libjpeg-turbo and browsers read it);
 * Aperio's "JPEG/RGB" tiles carry ids 0,1,2, which a plain decoder would take for YCbCr, so those
 * ids are rewritten. TileService also checks the first stored tile of each level against
 * OpenSlide's own decode before trusting the level.
 */
import { open } from 'node:fs/promises';
import { readFileRanges } from '../../../native/lib/index.js';
import { AppError } from '../../shared/errors/AppError.js';

/**
 * The largest stored tile read (bytes). A 256² JPEG tile is tens of kB; a byte count beyond this comes
 * from a damaged directory, and reading it would only allocate before failing: OpenSlide serves it.
 */
export const MAX_STORED_TILE_BYTES = 16 * 1024 * 1024;

/** Where stored tile (col, row) of a level lies in the file: length 0 for a tile the file lacks or a damaged entry. */
export function storedTileRange(level: StoredJpegLevel, col: number, row: number): { offset: number; length: number } {
  const index = row * Math.ceil(level.width / level.tileWidth) + col;
  const offset = level.offsets[index] ?? 0;
  const length = level.byteCounts[index] ?? 0;
  return offset > 0 && length >= 4 && length <= MAX_STORED_TILE_BYTES ? { offset, length } : { offset, length: 0 };
}

/** Where the JPEG tiles of one TIFF level are. */
export interface StoredJpegLevel {
  readonly width: number;
  readonly height: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
  readonly photometric: 2 | 6;
  readonly offsets: readonly number[];
  readonly byteCounts: readonly number[];
  /** JPEGTables, a tables-only stream (SOI … EOI) that each tile's abbreviated stream needs. */
  readonly tables: Buffer | undefined;
}

const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  samplesPerPixel: 277,
  planarConfig: 284,
  tileWidth: 322,
  tileHeight: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  jpegTables: 347,
} as const;
const TYPE_SIZE: Readonly<Record<number, number>> = { 1: 1, 3: 2, 4: 4, 7: 1, 16: 8 };

/** The JPEG-tiled levels of a TIFF file, one entry per directory (undefined where a directory does not qualify); undefined for a non-TIFF. */
export async function readStoredJpegLevels(path: string): Promise<(StoredJpegLevel | undefined)[] | undefined> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const read = async (offset: number, length: number): Promise<Buffer> => {
      if (offset < 0 || offset + length > size) throw new RangeError(`TIFF field at ${offset}+${length} is outside the ${size}-byte file`);
      const buf = Buffer.alloc(length);
      await file.read(buf, 0, length, offset);
      return buf;
    };
    const header = await read(0, 16);
    const order = header.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') return undefined;
    const le = order === 'II';
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const magic = u16(header, 2);
    if (magic !== 42 && magic !== 43) return undefined;
    const big = magic === 43;
    const [countSize, entrySize, offsetSize] = big ? [8, 20, 8] : [2, 12, 4];
    const levels: (StoredJpegLevel | undefined)[] = [];
    const seen = new Set<number>();
    let ifd = big ? u64(header, 8) : u32(header, 4);
    while (ifd !== 0 && !seen.has(ifd) && levels.length < 1000) {
      seen.add(ifd);
      const countBuf = await read(ifd, countSize);
      const count = big ? u64(countBuf, 0) : u16(countBuf, 0);
      const body = await read(ifd + countSize, count * entrySize + offsetSize);
      const entries = new Map<number, { type: number; count: number; at: Buffer }>();
      for (let i = 0; i < count; i++) {
        const e = i * entrySize;
        entries.set(u16(body, e), { type: u16(body, e + 2), count: big ? u64(body, e + 4) : u32(body, e + 4), at: body.subarray(e + (big ? 12 : 8), e + entrySize) });
      }
      const values = async (tag: number): Promise<number[] | undefined> => {
        const entry = entries.get(tag);
        const unit = entry && TYPE_SIZE[entry.type];
        if (!entry || !unit) return undefined;
        const bytes = unit * entry.count;
        const data = bytes <= offsetSize ? entry.at : await read(big ? u64(entry.at, 0) : u32(entry.at, 0), bytes);
        const out: number[] = new Array(entry.count);
        for (let i = 0; i < entry.count; i++) {
          out[i] = unit === 1 ? data[i]! : unit === 2 ? u16(data, i * 2) : unit === 4 ? u32(data, i * 4) : u64(data, i * 8);
        }
        return out;
      };
      const one = async (tag: number) => (await values(tag))?.[0];
      levels.push(await (async (): Promise<StoredJpegLevel | undefined> => {
        const [width, height, compression, photometric, spp, planar, tileWidth, tileHeight] = await Promise.all(
          [TAG.width, TAG.height, TAG.compression, TAG.photometric, TAG.samplesPerPixel, TAG.planarConfig, TAG.tileWidth, TAG.tileHeight].map(one),
        );
        const bits = await values(TAG.bitsPerSample);
        if (compression !== 7 || (photometric !== 2 && photometric !== 6) || spp !== 3 || (planar ?? 1) !== 1) return undefined;
        if (!width || !height || !tileWidth || !tileHeight || !bits?.every((b) => b === 8)) return undefined;
        const offsets = await values(TAG.tileOffsets);
        const byteCounts = await values(TAG.tileByteCounts);
        const tilesNeeded = Math.ceil(width / tileWidth) * Math.ceil(height / tileHeight);
        if (!offsets || !byteCounts || offsets.length < tilesNeeded || byteCounts.length < tilesNeeded) return undefined;
        const tablesEntry = await values(TAG.jpegTables);
        const tables = tablesEntry && tablesEntry.length > 4 ? Buffer.from(tablesEntry) : undefined;
        return { width, height, tileWidth, tileHeight, photometric, offsets, byteCounts, tables };
      })());
      const next = body.subarray(count * entrySize);
      ifd = big ? u64(next, 0) : u32(next, 0);
    }
    return levels;
  } catch (err) {
    if (err instanceof RangeError) return undefined; // a damaged directory chain: OpenSlide serves those tiles
    throw err;
  } finally {
    await file.close();
  }
}

/**
 * Stored tiles [col, row] of a level as standalone JPEGs (one file open for all), each undefined when
 * it is missing (a sparse TIFF), short or not self-describing.
 */
export async function readStoredJpegTiles(path: string, level: StoredJpegLevel, cells: readonly (readonly [number, number])[]): Promise<(Buffer | undefined)[]> {
  const ranges = cells.map(([col, row]) => storedTileRange(level, col, row));
  const present = ranges.filter((r) => r.length > 0);
  let bytes: Buffer[];
  try {
    bytes = await readFileRanges(path, present);
  } catch (err) {
    if (err instanceof AppError && err.code === 'SLIDE_READ_FAILED') return cells.map(() => undefined); // OpenSlide reports it
    throw err;
  }
  let next = 0;
  return ranges.map((r) => {
    if (r.length === 0) return undefined;
    const data = bytes[next++]!;
    if (data[0] !== 0xff || data[1] !== 0xd8) return undefined;
    // One standalone stream: the tables without their EOI, then the tile without its SOI.
    return explicitColour(level.tables ? Buffer.concat([level.tables.subarray(0, -2), data.subarray(2)]) : data, level.photometric);
  });
}

/**
 * The JPEG, made to decode with the colour transform OpenSlide (libtiff) applies, or undefined:
 * - Photometric YCbCr: kept when its component ids are not 'R','G','B' (decoders then assume YCbCr);
 * - Photometric RGB: libtiff decodes such data without a transform; decoders do the same only for
 *   component ids 'R','G','B', so other ids (Aperio writes 0,1,2) are rewritten to 'R','G','B' in
 *   the frame header and the scan header (`jpeg` is modified in place: pass a buffer you own).
 * Refused: an Adobe APP14 marker (it overrides the ids), anything but one baseline/extended
 * Huffman frame with 3 components.
 */
export function explicitColour(jpeg: Buffer, photometric: 2 | 6): Buffer | undefined {
  const RGB = [0x52, 0x47, 0x42];
  let frameIds: number[] | undefined;
  let i = 2;
  while (i + 4 <= jpeg.length) {
    if (jpeg[i] !== 0xff) return undefined;
    const marker = jpeg[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = jpeg.readUInt16BE(i + 2);
    if (marker === 0xee) return undefined; // Adobe APP14
    if (marker === 0xc0 || marker === 0xc1) {
      if (frameIds || jpeg[i + 9] !== 3) return undefined;
      frameIds = [jpeg[i + 10]!, jpeg[i + 13]!, jpeg[i + 16]!];
      const rgbIds = frameIds.every((id, k) => id === RGB[k]);
      if (photometric === 6) return rgbIds ? undefined : jpeg;
      if (rgbIds) return jpeg;
      RGB.forEach((id, k) => (jpeg[i + 10 + 3 * k] = id));
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return undefined; // progressive, lossless, arithmetic
    } else if (marker === 0xda) {
      if (!frameIds) return undefined; // a scan before any frame header
      const n = jpeg[i + 4]!;
      for (let k = 0; k < n; k++) {
        const at = i + 5 + 2 * k;
        const which = frameIds.indexOf(jpeg[at]!);
        if (which < 0) return undefined;
        jpeg[at] = RGB[which]!;
      }
      return jpeg; // one scan: a baseline frame has all components in it
    }
    i += 2 + length;
  }
  return undefined;
}
