import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../../electron/shared/errors/ErrorCode.js';
import { projectRoot } from '../../../electron/core/paths.js';

// The renderer is built by Vite, not by this tsconfig, so its one wording file is checked as text:
// every code the host can return must have user-facing wording (else users see the INTERNAL text).
test('every ErrorCode has user-facing wording in renderer/src/errors/messages.ts', () => {
  const text = readFileSync(join(projectRoot(), 'renderer', 'src', 'errors', 'messages.ts'), 'utf8');
  const missing = ERROR_CODES.filter((code) => !new RegExp(`^\\s+${code}: \\{ title: '`, 'm').test(text));
  assert.deepEqual(missing, [], `add wording for: ${missing.join(', ')}`);
});
