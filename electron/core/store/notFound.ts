import { AppError } from '../../shared/errors/AppError.js';

/** Returns `row`, or throws NOT_FOUND naming what was looked up. */
export function found<T>(row: T | undefined, what: string, id: number | string): T {
  if (row === undefined) throw new AppError('NOT_FOUND', `No ${what} with id ${id} in this case file`);
  return row;
}
