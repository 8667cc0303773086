import { mppOf } from '../../shared/domain/PixelCalibration.js';
import type { SlideInfo } from '../../shared/domain/Slide.js';
import { AppError } from '../../shared/errors/AppError.js';
import { SlideRegistry } from '../../core/slide/SlideRegistry.js';
import type { CliCommand } from '../CliContext.js';
import { parseArgs } from '../parseArgs.js';

/** The `info --json` object: one per slide, stable field names. */
export interface SlideInfoJson {
  readonly path: string;
  readonly vendor: string;
  readonly width: number;
  readonly height: number;
  readonly levels: readonly { width: number; height: number; downsample: number }[];
  /** µm per level-0 pixel, or null when the slide is uncalibrated. */
  readonly mpp: { x: number; y: number } | null;
  readonly mppSource: string | null;
  readonly objectivePower: number | null;
  readonly associatedImages: readonly string[];
  readonly quickHash: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** SlideInfo → the `info --json` object. */
export function slideInfoJson(info: SlideInfo): SlideInfoJson {
  return {
    path: info.path,
    vendor: info.vendor,
    width: info.width,
    height: info.height,
    levels: info.levels.map((l) => ({ width: l.width, height: l.height, downsample: l.downsample })),
    mpp: mppOf(info.calibration),
    mppSource: info.calibration.kind === 'calibrated' ? info.calibration.source : null,
    objectivePower: info.objectivePower,
    associatedImages: info.associatedImages,
    quickHash: info.quickHash,
    properties: info.properties,
  };
}

/** `marrowscope info <slide> [--json]`: what OpenSlide knows about a slide. */
const info: CliCommand = {
  name: 'info',
  summary: 'Show a slide: vendor, size, levels, calibration (µm/px), objective, associated images, quick hash, properties',
  usage: 'marrowscope info <slide> [--json]',
  async run(ctx) {
    const { values, positionals } = parseArgs(ctx.argv, { json: { type: 'boolean' } });
    const [path, ...extra] = positionals;
    if (path === undefined) throw new AppError('VALIDATION_FAILED', 'Missing the slide path: marrowscope info <slide> [--json]');
    if (extra.length) throw new AppError('VALIDATION_FAILED', `Expected one slide path but received ${positionals.length}: ${positionals.join(' ')}`);
    const registry = new SlideRegistry({ maxOpenSlides: 1 });
    try {
      const slide = await registry.info(path);
      ctx.stdout.write(values.json ? JSON.stringify(slideInfoJson(slide)) + '\n' : formatInfo(slide));
    } finally {
      registry.closeAll();
    }
    return 0;
  },
};
export default info;

/** The readable form of `info`. */
export function formatInfo(slide: SlideInfo): string {
  const cal = slide.calibration;
  const lines = [
    `Slide        ${slide.path}`,
    `Vendor       ${slide.vendor}`,
    `Size         ${slide.width} × ${slide.height} px (level 0)`,
    `Calibration  ${cal.kind === 'calibrated' ? `${cal.x} × ${cal.y} µm/px (from ${cal.source})` : 'none: uncalibrated (no openslide.mpp-x/y); µm measurements are unavailable'}`,
    `Objective    ${slide.objectivePower === null ? 'unknown' : `${slide.objectivePower}×`}`,
    `Associated   ${slide.associatedImages.length ? slide.associatedImages.join(', ') : 'none'}`,
    `Quick hash   ${slide.quickHash}`,
    '',
    'Levels',
    table(
      ['level', 'width', 'height', 'downsample'],
      slide.levels.map((l) => [String(l.index), String(l.width), String(l.height), String(Number(l.downsample.toFixed(6)))]),
    ),
    '',
    `Properties (${Object.keys(slide.properties).length})`,
    table(
      ['name', 'value'],
      Object.keys(slide.properties)
        .sort()
        .map((k) => [k, (slide.properties[k] ?? '').replace(/\r?\n/g, '\\n')]),
    ),
  ];
  return lines.join('\n') + '\n';
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i < header.length - 1 ? (r[i] ?? '').length : 0))));
  const fmt = (r: string[]) =>
    '  ' +
    r
      .map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i] ?? 0) : c))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}
