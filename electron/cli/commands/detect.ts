import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Detection } from '../../shared/domain/Detection.js';
import type { CellDetector } from '../../core/detect/CellDetector.js';
import { AppError } from '../../shared/errors/AppError.js';
import type { CliCommand } from '../CliContext.js';
import { numberOption, parseArgs } from '../parseArgs.js';

/** `marrowscope detect`: nucleated cells of an image file as QuPath-compatible GeoJSON. */
const detect: CliCommand = {
  name: 'detect',
  summary: 'Detect nucleated cells in a smear image and write them as QuPath GeoJSON',
  usage:
    'marrowscope detect --mpp <µm/px> <image file> [--out FILE.geojson] [--params JSON] [--json]\n' +
    '       marrowscope detect <slide> --roi FILE.geojson [--mpp <µm/px, overrides the slide>] [--out FILE.geojson] [--params JSON] [--json]',
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, {
      mpp: { type: 'string' },
      out: { type: 'string' },
      roi: { type: 'string' },
      params: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) {
      throw new AppError('VALIDATION_FAILED', `Expected exactly one image file (or slide, with --roi) but received ${positionals.length} (${positionals.join(' ') || 'none'})`);
    }
    const file = positionals[0]!;
    const mpp = values.mpp === undefined && values.roi !== undefined ? undefined : numberOption(values.mpp, 'mpp');
    if (mpp !== undefined && !(mpp > 0)) throw new AppError('VALIDATION_FAILED', `Expected a number > 0 for --mpp but received ${values.mpp}`);
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
    const { detectionsToGeoJson } = await import('../../core/detect/detectionsToGeoJson.js');
    const detector = new RomanowskyCellDetector(overrides);
    const started = Date.now();
    let detections;
    let size: { width: number; height: number };
    let usedMpp: number;
    if (values.roi !== undefined) {
      ({ detections, size, usedMpp } = await detectSlide(file, values.roi, mpp, detector));
    } else {
      if (!existsSync(file)) throw new AppError('IMAGE_UNREADABLE', `Image file not found: ${file}`);
      const { loadImageFile } = await import('../../core/detect/loadImageFile.js');
      const image = await loadImageFile(file);
      usedMpp = mpp!;
      size = { width: image.width, height: image.height };
      detections = await detector.detect(image, { micronsPerPixel: usedMpp });
    }
    const geojson = JSON.stringify(detectionsToGeoJson(detections));
    if (values.out) {
      try {
        writeFileSync(values.out, geojson + '\n');
      } catch (err) {
        throw new AppError('VALIDATION_FAILED', `Cannot write --out ${values.out}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const summary = { cells: detections.length, out: values.out, ...size, micronsPerPixel: usedMpp, ms: Date.now() - started };
      ctx.stdout.write(values.json ? JSON.stringify(summary) + '\n' : `${detections.length} cells → ${values.out} (${summary.ms} ms)\n`);
    } else {
      ctx.stdout.write(geojson + '\n');
    }
    return 0;
  },
};
/** Slide mode: regions of interest from GeoJSON, read tile by tile at full resolution. */
async function detectSlide(
  slidePath: string,
  roiPath: string,
  mppOverride: number | undefined,
  detector: CellDetector,
): Promise<{ detections: Detection[]; size: { width: number; height: number }; usedMpp: number }> {
  const { SlideRegistry } = await import('../../core/slide/SlideRegistry.js');
  const { openSlide } = await import('../../../native/lib/index.js');
  const { parseRoiGeoJson } = await import('../../core/regions/parseRoiGeoJson.js');
  const { requireCalibration } = await import('../../shared/domain/PixelCalibration.js');
  const { detectInRois } = await import('../../core/detect/detectInRois.js');
  const registry = new SlideRegistry();
  const info = await registry.info(resolve(slidePath));
  registry.closeAll();
  const usedMpp = mppOverride ?? requireCalibration(info.calibration, 'Cell detection').x;
  let geojson: unknown;
  try {
    geojson = JSON.parse(readFileSync(resolve(roiPath), 'utf8'));
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', `Cannot read --roi ${roiPath} as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const rois = parseRoiGeoJson(geojson, { width: info.width, height: info.height });
  const handle = await openSlide(resolve(slidePath));
  try {
    const detections = await detectInRois(handle, usedMpp, rois, detector);
    return { detections, size: { width: info.width, height: info.height }, usedMpp };
  } finally {
    handle.close();
  }
}

export default detect;
