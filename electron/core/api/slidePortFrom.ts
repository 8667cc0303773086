import type { SlideRegistry } from '../slide/SlideRegistry.js';
import type { TileService } from '../slide/TileService.js';
import type { SlidePort } from './ports.js';

/** The SlidePort over the real slide service: shared OpenSlide handles and the cached Deep Zoom tile service. */
export function slidePortFrom(registry: SlideRegistry, tiles: TileService): SlidePort {
  return {
    info: (path) => registry.info(path),
    grid: (path) => tiles.grid(path),
    tile: (path, dzLevel, col, row, signal) => tiles.tile(path, { dzLevel, col, row }, signal ? { signal } : {}),
    thumbnail: (path, signal) => tiles.thumbnail(path, 512, 'jpeg', signal ? { signal } : {}),
  };
}
