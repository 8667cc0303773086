import { z } from 'zod';

/**
 * Opaque identifiers that cross the API. A slideId is assigned by the host when the user opens a
 * slide in this session (never a path: the renderer cannot name files it was not given); runs,
 * cells and regions use the case store's ids. All are URL-safe so they can sit in tile/crop URLs.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Schema of any URL-safe id (letters, digits, '_' and '-', 1–64 characters). */
export const idSchema = z.string().regex(ID_PATTERN, { error: 'Expected an id of 1–64 letters, digits, "_" or "-"' });

/** True when `value` is a well-formed id (used by the URL parsers, which cannot throw). */
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** The host's id for a slide opened in this session. */
export type SlideId = string;
/** The case store's id of an analysis run. */
export type RunId = string;
/** The case store's id of a detected cell. */
export type CellId = string;
