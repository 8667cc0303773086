import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiJson } from '../../../electron/shared/api/resultHeader.js';

test('asciiJson is printable ASCII only and parses back to the same value', () => {
  const value = {
    ok: true,
    value: { name: 'Ménétrier µm × 2 — “quoted”', emoji: 'cell 🧫', del: 'a\u007fb', controls: 'tab\there\nline\r\u0000', ls: 'x\u2028y', n: [1.5, -0, 1e-7, null] },
  };
  const json = asciiJson(value);
  assert.match(json, /^[\x20-\x7e]+$/);
  assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(value)));
  assert.equal(asciiJson({ a: 'plain' }), JSON.stringify({ a: 'plain' }));
});
