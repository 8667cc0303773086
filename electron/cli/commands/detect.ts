import { existsSync, writeFileSync } from 'node:fs';
import { AppError } from '../../shared/errors/AppError.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';

/** `marrowscope detect`: nucleated cells of an image file as QuPath-compatible GeoJSON. */
const detect: CliCommand = {
  name: 'detect',
  summary: 'Detect nucleated cells in a smear image and write them as QuPath GeoJSON',
  usage: 'marrowscope detect --mpp <µm/px> <image file> [--out FILE.geojson] [--params JSON] [--json]',
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, {
      mpp: { type: 'string' },
      out: { type: 'string' },
      roi: { type: 'string' },
      params: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) {
      throw new AppError('VALIDATION_FAILED', `Expected exactly one image file but received ${positionals.length} (${positionals.join(' ') || 'none'})`);
    }
    const file = positionals[0]!;
    if (values.roi !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'Slide mode (--roi) is not available yet: it needs the slide service; pass an image file with --mpp');
    }
    const mpp = numberOption(values.mpp, 'mpp');
    if (!(mpp > 0)) throw new AppError('VALIDATION_FAILED', `Expected a number > 0 for --mpp but received ${values.mpp}`);
    if (!existsSync(file)) throw new AppError('IMAGE_UNREADABLE', `Image file not found: ${file}`);
    let overrides: Record<string, number> = {};
    if (values.params !== undefined) {
      try {
        overrides = JSON.parse(values.params) as Record<string, number>;
      } catch {
        throw new AppError('VALIDATION_FAILED', `Expected a JSON object for --params but received ${JSON.stringify(values.params)}`);
      }
    }
    // Loaded here, not at the top: OpenCV.js is heavy and only this command needs it.
    const { RomanowskyCellDetector } = await import('../../core/detect/RomanowskyCellDetector.js');
    const { loadImageFile } = await import('../../core/detect/loadImageFile.js');
    const { detectionsToGeoJson } = await import('../../core/detect/detectionsToGeoJson.js');
    const detector = new RomanowskyCellDetector(overrides);
    const image = await loadImageFile(file);
    const started = Date.now();
    const detections = await detector.detect(image, { micronsPerPixel: mpp });
    const geojson = JSON.stringify(detectionsToGeoJson(detections));
    if (values.out) {
      try {
        writeFileSync(values.out, geojson + '\n');
      } catch (err) {
        throw new AppError('VALIDATION_FAILED', `Cannot write --out ${values.out}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const summary = { cells: detections.length, out: values.out, width: image.width, height: image.height, micronsPerPixel: mpp, ms: Date.now() - started };
      ctx.stdout.write(values.json ? JSON.stringify(summary) + '\n' : `${detections.length} cells → ${values.out} (${summary.ms} ms)\n`);
    } else {
      ctx.stdout.write(geojson + '\n');
    }
    return 0;
  },
};
export default detect;
