import { AppError } from '../../shared/errors/AppError.js';

/** A case-store id from its API form (a decimal string); NOT_FOUND names what was asked for when it cannot be one. */
export function storeId(id: string, what: string): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n < 1 || String(n) !== id) throw new AppError('NOT_FOUND', `No ${what} with id ${JSON.stringify(id)} in this case file`);
  return n;
}
