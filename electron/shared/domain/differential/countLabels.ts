import { AppError } from '../../errors/AppError.js';
import { isCellClassCode } from '../taxonomy.js';

/** Per-code counts from a list of current labels (one per cell); unknown codes throw VALIDATION_FAILED. */
export function countLabels(labels: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  let i = 0;
  for (const code of labels) {
    if (!isCellClassCode(code)) {
      throw new AppError('VALIDATION_FAILED', `Expected a cell class code for labels[${i}] but received ${JSON.stringify(code)}`);
    }
    counts.set(code, (counts.get(code) ?? 0) + 1);
    i++;
  }
  return counts;
}

/** Checks per-code counts (a Map or a plain record, e.g. from a SQL GROUP BY) and returns them as a Map. */
export function normaliseCounts(counts: ReadonlyMap<string, number> | Readonly<Record<string, number>>): Map<string, number> {
  const entries = counts instanceof Map ? [...counts.entries()] : Object.entries(counts);
  const out = new Map<string, number>();
  for (const [code, n] of entries) {
    if (!isCellClassCode(code)) {
      throw new AppError('VALIDATION_FAILED', `Expected a cell class code as a key of counts but received ${JSON.stringify(code)}`);
    }
    if (!Number.isInteger(n) || n < 0) {
      throw new AppError('VALIDATION_FAILED', `Expected integer ≥ 0 for counts.${code} but received ${JSON.stringify(n)}`);
    }
    out.set(code, (out.get(code) ?? 0) + n);
  }
  return out;
}
