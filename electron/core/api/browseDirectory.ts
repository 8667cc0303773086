import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors/AppError.js';
import type { DirectoryListing, FileEntry } from '../../shared/api/views.js';

/** File extensions OpenSlide 3.4 can open (the chooser lists only these and directories). */
export const SLIDE_EXTENSIONS: ReadonlySet<string> = new Set(['.svs', '.tif', '.tiff', '.ndpi', '.vms', '.vmu', '.scn', '.mrxs', '.svslide', '.bif']);

/**
 * Lists a directory for the open-slide dialog: sub-directories and slide files only, hidden
 * entries skipped, directories first, then by name. NOT_FOUND when it is not a readable directory.
 */
export async function browseDirectory(path: string | undefined, roots: readonly FileEntry[]): Promise<DirectoryListing> {
  const dir = resolve(path ?? roots[0]?.path ?? process.cwd());
  let names: string[];
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new AppError('NOT_FOUND', `${dir} is not a folder`);
    names = await readdir(dir);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('NOT_FOUND', `Cannot list the folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const entries: FileEntry[] = [];
  await Promise.all(
    names
      .filter((n) => !n.startsWith('.'))
      .map(async (name) => {
        const full = join(dir, name);
        try {
          const st = await stat(full);
          if (st.isDirectory()) entries.push({ name, path: full, kind: 'directory' });
          else if (st.isFile() && SLIDE_EXTENSIONS.has(extname(name).toLowerCase())) entries.push({ name, path: full, kind: 'slide' });
        } catch {
          // A dangling link or a file we may not read is simply not offered.
        }
      }),
  );
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'directory' ? -1 : 1));
  const parent = dirname(dir) === dir ? null : dirname(dir);
  return { path: dir, parent, entries, roots: roots.length ? roots : [{ name: basename(dir) || dir, path: dir, kind: 'directory' }] };
}
