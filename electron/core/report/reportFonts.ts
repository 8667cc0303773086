import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors/AppError.js';

/** The TrueType fonts a PDF report embeds: DejaVu (Debian fonts-dejavu-core), which has µ, ±, –, ≥, ↑ and ↓. */
export interface ReportFonts {
  readonly regular: string;
  readonly bold: string;
  readonly mono: string;
}

const DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF', '/Library/Fonts', 'C:\\Windows\\Fonts'];

/**
 * Finds the DejaVu fonts ($MARROWSCOPE_FONT_DIR first). PDF reports embed them rather than use
 * PDF's built-in Helvetica, whose WinAnsi encoding has no ≥, ↑ or en-dash-safe µ handling.
 */
export function reportFonts(): ReportFonts {
  const dirs = [process.env['MARROWSCOPE_FONT_DIR'], ...DIRS].filter((d): d is string => !!d);
  for (const dir of dirs) {
    const f = { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf'), mono: join(dir, 'DejaVuSansMono.ttf') };
    if (existsSync(f.regular) && existsSync(f.bold) && existsSync(f.mono)) return f;
  }
  throw new AppError(
    'INTERNAL',
    `The DejaVu fonts for PDF reports were not found in ${dirs.join(', ')}: install fonts-dejavu-core (scripts/setup.sh does) or set MARROWSCOPE_FONT_DIR`,
  );
}
