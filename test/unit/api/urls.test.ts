import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropPath, parsePixelPath, thumbnailPath, tilePath, tilePathTemplate } from '../../../electron/shared/api/urls.js';

test('tile, thumbnail and crop paths round-trip through the parser', () => {
  assert.deepEqual(parsePixelPath(tilePath('abc_1-Z', 14, 3, 7)), { kind: 'tile', slideId: 'abc_1-Z', level: 14, col: 3, row: 7 });
  assert.deepEqual(parsePixelPath(thumbnailPath('s1')), { kind: 'thumbnail', slideId: 's1' });
  assert.deepEqual(parsePixelPath(cropPath('42')), { kind: 'crop', cellId: '42' });
  assert.equal(tilePathTemplate('s1').replace('{level}', '2').replace('{col}', '0').replace('{row}', '1'), tilePath('s1', 2, 0, 1));
});

test('anything else is not a pixel request: paths, traversal, odd ids and extensions', () => {
  for (const p of [
    '/tiles/..%2F..%2Fetc/1/0_0.jpeg',
    '/tiles/../1/0_0.jpeg',
    '/tiles/a.b/1/0_0.jpeg',
    '/tiles/s1/1/0_0.png',
    '/tiles/s1/-1/0_0.jpeg',
    '/tiles/s1/1/0-0.jpeg',
    '/crops/%2Fetc%2Fpasswd.jpeg',
    '/crops/.jpeg',
    '/thumbs/s1.png',
    '/index.html',
  ]) {
    assert.equal(parsePixelPath(p), null, p);
  }
});
