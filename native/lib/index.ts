/**
 * The OpenSlide facade: open a slide, read levels/properties/regions as straight RGBA.
 * Every failure is an AppError with a code (see OpenSlideHandle in types.ts).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { AppError } from '../../electron/shared/errors/AppError.js';
import { validate } from '../../electron/shared/errors/validate.js';
import { loadAddon } from './loadAddon.js';
import { OpenSlideFile } from './OpenSlideFile.js';
import { nonEmptyString } from './regionSchema.js';
import { readableLevelCount, readTiffLayout } from './tiffLayout.js';
import { toAppError } from './toAppError.js';
import type { OpenSlideHandle } from './types.js';

export type { AssociatedImageInfo, Dimensions, LevelInfo, OpenSlideHandle, RegionRead, RgbaImage } from './types.js';
export { MAX_REGION_BYTES } from './regionSchema.js';
export { readFileRanges } from './readFileRanges.js';
export { decodeJpegTiles, type JpegCanvas, type JpegPiece, type JpegSource } from './decodeJpegTiles.js';

/**
 * Opens a whole-slide image off the JS thread. Throws SLIDE_NOT_FOUND (no such file),
 * SLIDE_UNSUPPORTED_FORMAT (a folder, an empty file, or a file OpenSlide does not recognise),
 * SLIDE_READ_FAILED (recognised but broken, or a truncated TIFF), VALIDATION_FAILED, NATIVE_ADDON_MISSING.
 */
export async function openSlide(path: string): Promise<OpenSlideHandle> {
  validate(nonEmptyString, path, 'slide.path');
  const addon = loadAddon();
  await checkFile(path);
  let opened;
  try {
    opened = await addon.open(path);
  } catch (err) {
    const e = toAppError(err);
    if (e.code !== 'SLIDE_UNSUPPORTED_FORMAT') throw e;
    const damage = (await readTiffLayout(path))?.damage;
    if (damage) throw new AppError('SLIDE_READ_FAILED', `Cannot open ${path}: ${damage}`, { cause: err });
    if (extname(path).toLowerCase() === '.dcm' && addon.version().startsWith('3.')) {
      throw new AppError(e.code, `${e.message} (DICOM needs OpenSlide 4.0 or newer; this is ${addon.version()})`, { cause: err });
    }
    throw e;
  }
  const layout = await readTiffLayout(path).catch(() => undefined);
  return new OpenSlideFile(addon, path, opened, layout ? readableLevelCount(layout, opened.levels) : opened.levels.length);
}

/** The OpenSlide library version the addon is linked against, e.g. "3.4.1". */
export function openslideVersion(): string {
  return loadAddon().version();
}

/** OpenSlide handles currently open in this process (closed handles still used by a read count until it ends). */
export function openSlideHandleCount(): number {
  return loadAddon().liveHandles();
}

async function checkFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new AppError('SLIDE_NOT_FOUND', `No slide file at ${path}`, { cause: err });
    throw new AppError('SLIDE_READ_FAILED', `Cannot access ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (info.isDirectory()) throw new AppError('SLIDE_UNSUPPORTED_FORMAT', `${path} is a folder, not a slide file`);
  if (!info.isFile()) throw new AppError('SLIDE_UNSUPPORTED_FORMAT', `${path} is not a regular file`);
  if (info.size === 0) throw new AppError('SLIDE_UNSUPPORTED_FORMAT', `${path} is empty (0 bytes)`);
  // Otherwise OpenSlide reports an unreadable file as "not recognised".
  await access(path, constants.R_OK).catch((err: unknown) => {
    throw new AppError('SLIDE_READ_FAILED', `Cannot read ${path}: ${(err as Error).message}`, { cause: err });
  });
}
