import { AppError } from '../../shared/errors/AppError.js';

/** One CSV line (RFC 4180): fields with commas, quotes or line breaks are quoted, quotes doubled. */
export function csvLine(fields: readonly (string | number)[]): string {
  return fields.map((f) => (typeof f === 'number' ? String(f) : /[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',') + '\n';
}

/** Parses RFC 4180 CSV text with a header row into records keyed by column name. */
export function parseCsv(text: string, source = 'CSV'): { columns: string[]; rows: Record<string, string>[] } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new AppError('VALIDATION_FAILED', `${source}: unterminated quoted field`);
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ''));
  const [header, ...body] = nonEmpty;
  if (!header) throw new AppError('VALIDATION_FAILED', `${source} is empty: expected a header row`);
  const rows = body.map((r, i) => {
    if (r.length !== header.length) {
      throw new AppError('VALIDATION_FAILED', `${source} line ${i + 2}: expected ${header.length} fields but received ${r.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h, r[j]!]));
  });
  return { columns: header, rows };
}
