import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../shared/errors/AppError.js';
import { SlideRegistry } from '../../core/slide/SlideRegistry.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';

const USAGE = 'marrowscope region <slide> --x X --y Y --width W --height H [--level L] --out FILE.png [--json]';

/**
 * `marrowscope region`: writes the exact pixels of a region as a lossless RGBA PNG. As in OpenSlide,
 * (x, y) is the top-left in level-0 pixels and width/height are pixels of the chosen level; areas
 * outside the slide come out transparent (alpha 0), exactly as openslide_read_region returns them.
 */
const region: CliCommand = {
  name: 'region',
  summary: 'Write the exact pixels of a region (level-0 x/y, size in pixels of --level) as an RGBA PNG',
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, {
      x: { type: 'string' },
      y: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      level: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [path, ...extra] = positionals;
    if (path === undefined) throw new AppError('VALIDATION_FAILED', `Missing the slide path: ${USAGE}`);
    if (extra.length) throw new AppError('VALIDATION_FAILED', `Expected one slide path but received ${positionals.length}: ${positionals.join(' ')}`);
    if (!values.out) throw new AppError('VALIDATION_FAILED', 'Missing required option --out FILE.png');
    if (!values.out.toLowerCase().endsWith('.png')) {
      throw new AppError('VALIDATION_FAILED', `Expected a .png file for --out but received ${JSON.stringify(values.out)} (regions are written losslessly)`);
    }
    const request = {
      x: numberOption(values.x, 'x', { integer: true, min: 0 }),
      y: numberOption(values.y, 'y', { integer: true, min: 0 }),
      width: numberOption(values.width, 'width', { integer: true, min: 1 }),
      height: numberOption(values.height, 'height', { integer: true, min: 1 }),
      level: values.level === undefined ? 0 : numberOption(values.level, 'level', { integer: true, min: 0 }),
    };
    const registry = new SlideRegistry({ maxOpenSlides: 1 });
    let png: Buffer;
    try {
      const pixels = await registry.readRegion(path, request);
      png = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 4 } })
        .png({ compressionLevel: 6 })
        .toBuffer();
    } finally {
      registry.closeAll();
    }
    const out = resolve(values.out);
    try {
      await writeFile(out, png);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new AppError(e.code === 'ENOSPC' ? 'DISK_FULL' : 'VALIDATION_FAILED', `Cannot write --out ${out}: ${e.message}`, { cause: err });
    }
    const summary = { out, ...request, bytes: png.byteLength };
    ctx.stdout.write(
      values.json
        ? JSON.stringify(summary) + '\n'
        : `Wrote ${out}: ${request.width} × ${request.height} px RGBA at level ${request.level} from level-0 (${request.x}, ${request.y})\n`,
    );
    return 0;
  },
};
export default region;
