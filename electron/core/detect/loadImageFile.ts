import sharp from 'sharp';
import { AppError } from '../../shared/errors/AppError.js';
import type { DetectorImage } from './CellDetector.js';

/** Decodes an image file (JPEG, PNG, TIFF, WebP...) to 8-bit RGB with sharp; IMAGE_UNREADABLE when it cannot. */
export async function loadImageFile(path: string): Promise<DetectorImage> {
  try {
    const { data, info } = await sharp(path).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  } catch (err) {
    throw new AppError('IMAGE_UNREADABLE', `Cannot decode image ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
