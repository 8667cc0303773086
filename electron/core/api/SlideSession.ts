import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/errors/AppError.js';
import type { SlideInfo } from '../../shared/domain/Slide.js';

/** A slide the user opened in this session. */
export interface OpenSlide {
  readonly slideId: string;
  readonly path: string;
  readonly info: SlideInfo;
  readonly storedSlideId: string | null;
}

/**
 * The slides opened in this session, by opaque id. Only these are served as tiles: a renderer
 * cannot ask for pixels of a file the user did not open, and no URL ever carries a path.
 */
export class SlideSession {
  readonly #byId = new Map<string, OpenSlide>();
  readonly #byPath = new Map<string, string>();

  /** Registers an opened slide (the same path keeps its id within a session). */
  add(path: string, info: SlideInfo, storedSlideId: string | null): OpenSlide {
    const existing = this.#byPath.get(path);
    const slideId = existing ?? randomBytes(9).toString('base64url');
    const slide: OpenSlide = { slideId, path, info, storedSlideId };
    this.#byId.set(slideId, slide);
    this.#byPath.set(path, slideId);
    return slide;
  }

  /** The open slide, or NOT_FOUND. */
  get(slideId: string): OpenSlide {
    const slide = this.#byId.get(slideId);
    if (!slide) throw new AppError('NOT_FOUND', `No slide with id ${JSON.stringify(slideId)} is open in this session; open the slide first`);
    return slide;
  }

  /** The open slide, or undefined. */
  find(slideId: string): OpenSlide | undefined {
    return this.#byId.get(slideId);
  }

  /** The session id of an open slide with this stored id, or null. */
  idForStored(storedSlideId: string): string | null {
    for (const s of this.#byId.values()) if (s.storedSlideId === storedSlideId) return s.slideId;
    return null;
  }

  /** Forgets a slide; true when it was open. */
  remove(slideId: string): boolean {
    const slide = this.#byId.get(slideId);
    if (!slide) return false;
    this.#byId.delete(slideId);
    this.#byPath.delete(slide.path);
    return true;
  }
}
