import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvLine, parseCsv } from '../../../electron/core/infer/csv.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';

test('csvLine quotes fields with commas, quotes and newlines; parseCsv reads them back', () => {
  const line = csvLine(['a,b', 'say "hi"', 'plain', 0.5, 'two\nlines']);
  assert.equal(line, '"a,b","say ""hi""",plain,0.5,"two\nlines"\n');
  const parsed = parseCsv('h1,h2,h3,h4,h5\r\n' + line);
  assert.deepEqual(parsed.columns, ['h1', 'h2', 'h3', 'h4', 'h5']);
  assert.deepEqual(parsed.rows, [{ h1: 'a,b', h2: 'say "hi"', h3: 'plain', h4: '0.5', h5: 'two\nlines' }]);
});

test('parseCsv names the line with the wrong number of fields', () => {
  assert.throws(
    () => parseCsv('a,b\n1,2\n3\n', 'labels.csv'),
    (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && /labels\.csv line 3/.test(e.message),
  );
});
