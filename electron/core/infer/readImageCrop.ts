import { access } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError } from '../../shared/errors/AppError.js';
import type { CellCrop } from './CellCrop.js';

/**
 * Decodes an image file into an RGB crop at the given µm/px (alpha dropped, greyscale expanded,
 * sRGB). Throws NOT_FOUND for a missing file and IMAGE_UNREADABLE for anything sharp cannot decode.
 */
export async function readImageCrop(file: string, micronsPerPixel: number): Promise<CellCrop> {
  try {
    await access(file);
  } catch {
    throw new AppError('NOT_FOUND', `No such file: ${file}`);
  }
  try {
    const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, micronsPerPixel };
  } catch (err) {
    throw new AppError('IMAGE_UNREADABLE', `Cannot decode ${file} as an image: ${(err as Error).message}`);
  }
}
