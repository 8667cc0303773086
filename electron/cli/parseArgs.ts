import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../shared/errors/AppError.js';

/** node:util parseArgs with unknown/missing options turned into VALIDATION_FAILED. */
export function parseArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return nodeParseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', err instanceof Error ? err.message : String(err));
  }
}

/** Parses a required finite number option, naming the option on failure. */
export function numberOption(value: string | undefined, name: string, opts: { integer?: boolean; min?: number } = {}): number {
  if (value === undefined) throw new AppError('VALIDATION_FAILED', `Missing required option --${name}`);
  const n = Number(value);
  if (!Number.isFinite(n) || value.trim() === '') {
    throw new AppError('VALIDATION_FAILED', `Expected a number for --${name} but received ${JSON.stringify(value)}`);
  }
  if (opts.integer && !Number.isInteger(n)) {
    throw new AppError('VALIDATION_FAILED', `Expected an integer for --${name} but received ${value}`);
  }
  if (opts.min !== undefined && n < opts.min) {
    throw new AppError('VALIDATION_FAILED', `Expected ${opts.integer ? 'integer' : 'number'} ≥ ${opts.min} for --${name} but received ${value}`);
  }
  return n;
}
