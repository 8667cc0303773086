import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors/AppError.js';
import { validate } from '../../shared/errors/validate.js';
import { ModelManifestSchema, type ModelManifest } from './ModelManifest.js';

/** A manifest that validated, with each member's bytes already read and hash-checked. */
export interface LoadedManifest {
  /** Absolute path of the manifest file. */
  readonly path: string;
  readonly manifest: ModelManifest;
  /** Member ONNX bytes in manifest order: the very bytes that were hashed, so what runs is what was checked. */
  readonly memberBytes: readonly Uint8Array[];
}

/** Validates parsed manifest JSON; throws MODEL_MANIFEST_INVALID naming each bad field (e.g. manifest.input.size). */
export function parseManifest(json: unknown, source = '(in memory)'): ModelManifest {
  try {
    return validate(ModelManifestSchema, json, 'manifest');
  } catch (err) {
    if (err instanceof AppError) throw new AppError('MODEL_MANIFEST_INVALID', `Invalid model manifest ${source}: ${err.message}`);
    throw err;
  }
}

/** Lower-case hex sha256 of some bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads and validates a manifest, then reads every member and checks its sha256.
 * Throws MODEL_MANIFEST_INVALID (unreadable, not JSON, schema, missing member file) or
 * MODEL_HASH_MISMATCH naming the file whose hash differs.
 */
export async function loadManifest(manifestPath: string): Promise<LoadedManifest> {
  const path = resolve(manifestPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AppError('MODEL_MANIFEST_INVALID', `Cannot read model manifest ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AppError('MODEL_MANIFEST_INVALID', `Model manifest ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = parseManifest(json, path);
  const dir = dirname(path);
  const memberBytes = await Promise.all(
    manifest.members.map(async (member, i) => {
      const file = join(dir, member.file);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (err) {
        throw new AppError('MODEL_MANIFEST_INVALID', `Cannot read manifest.members.${i}.file ${file}: ${(err as Error).message}`);
      }
      const actual = sha256Hex(bytes);
      if (actual !== member.sha256) {
        throw new AppError(
          'MODEL_HASH_MISMATCH',
          `Model member ${member.file} has sha256 ${actual} but the manifest (members.${i}.sha256) expects ${member.sha256}; the file was changed or the manifest is stale`,
        );
      }
      return bytes;
    }),
  );
  return { path, manifest, memberBytes };
}
