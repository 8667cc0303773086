import type { PixelRequest } from '../../shared/api/urls.js';
import { AppError } from '../../shared/errors/AppError.js';
import { attempt, type Result } from '../../shared/errors/Result.js';
import type { CaseStorePort, EncodedPixels, SlidePort } from './ports.js';
import type { SlideSession } from './SlideSession.js';

/** Serves a parsed pixel URL (tile, thumbnail, crop) as a Result. */
export type PixelServer = (request: PixelRequest, signal?: AbortSignal) => Promise<Result<EncodedPixels>>;

/**
 * Pixel serving shared by the hosts' protocol handlers: tiles and thumbnails only of slides opened
 * in this session (by opaque id: an id the session never issued is NOT_FOUND, so no path on disk
 * can be reached), crops only of cells the case store holds.
 */
export function createPixelServer(deps: { readonly slides: SlidePort; readonly store: CaseStorePort | null; readonly session: SlideSession }): PixelServer {
  return (request, signal) =>
    attempt(async (): Promise<EncodedPixels> => {
      switch (request.kind) {
        case 'tile':
          return deps.slides.tile(deps.session.get(request.slideId).path, request.level, request.col, request.row, signal);
        case 'thumbnail':
          return deps.slides.thumbnail(deps.session.get(request.slideId).path, signal);
        case 'crop': {
          if (!deps.store) throw new AppError('NOT_FOUND', 'No case store is open, so there are no cell crops');
          const data = deps.store.getCrop(request.cellId);
          if (!data) throw new AppError('NOT_FOUND', `Cell ${request.cellId} has no stored crop`);
          return { data, contentType: 'image/jpeg' };
        }
      }
    });
}
