// Opens every fixture slide in ../shared/data/slides and checks vendor, pyramid, calibration,
// associated images and properties against the README and against OpenSlide's own tool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { openSlide, openslideVersion } from '../../native/lib/index.js';
import { FIXTURES, addonSkipReason, expectCode, slidePath, slidesDir, slidesSkipReason } from './slideFixtures.js';

const run = promisify(execFile);
const skip = slidesSkipReason();

test('openslideVersion reports the linked library', { skip: addonSkipReason() }, () => {
  assert.match(openslideVersion(), /^\d+\.\d+\.\d+/);
});

test('every file in the slides folder has an expectation', { skip }, () => {
  assert.deepEqual(readdirSync(slidesDir()).filter((n) => n !== 'README.md').sort(), Object.keys(FIXTURES).sort());
});

for (const [name, expected] of Object.entries(FIXTURES)) {
  if (typeof expected === 'string') {
    test(`${name}: open fails with ${expected}`, { skip }, async () => {
      const err = await expectCode(openSlide(slidePath(name)), expected);
      assert.ok(err.message.includes(name), `message names the file: ${err.message}`);
    });
    continue;
  }
  test(`${name}: opens as ${expected.vendor}, ${expected.levelCount} levels, ${expected.width}×${expected.height}`, { skip }, async () => {
    const slide = await openSlide(slidePath(name));
    try {
      assert.equal(slide.path, slidePath(name));
      assert.equal(slide.vendor, expected.vendor);
      assert.equal(slide.properties['openslide.vendor'], expected.vendor);
      assert.equal(slide.levels.length, expected.levelCount);
      assert.deepEqual(slide.levels[0], { width: expected.width, height: expected.height, downsample: 1 });
      for (let i = 1; i < slide.levels.length; i++) {
        const [prev, cur] = [slide.levels[i - 1]!, slide.levels[i]!];
        assert.ok(cur.downsample > prev.downsample && cur.width <= prev.width, `level ${i} is smaller than level ${i - 1}`);
        assert.equal(String(cur.width), slide.properties[`openslide.level[${i}].width`]);
      }
      const mpp = slide.properties['openslide.mpp-x'];
      assert.equal(mpp === undefined ? undefined : Number(mpp), expected.mpp);
      assert.deepEqual(slide.associatedImageNames, expected.associated);
      assert.deepEqual(
        slide.associatedImages.map((a) => a.name),
        expected.associated,
      );
      for (const a of slide.associatedImages) assert.ok(a.width > 0 && a.height > 0, `${a.name} has a size`);
      assert.equal(slide.closed, false);
      assert.ok(Object.isFrozen(slide.properties) && Object.isFrozen(slide.levels));
    } finally {
      slide.close();
    }
    assert.equal(slide.closed, true);
  });
}

test('properties equal openslide-show-properties output for every openable slide', { skip }, async () => {
  for (const [name, expected] of Object.entries(FIXTURES)) {
    if (typeof expected === 'string') continue;
    const { stdout } = await run('openslide-show-properties', [slidePath(name)], { maxBuffer: 1 << 26 });
    const reference: Record<string, string> = {};
    // Lines look like: key: 'value' (values may span lines; keys never contain ": '").
    for (const m of stdout.matchAll(/^([^\n:]+(?::[^\n' ]+)*): '([\s\S]*?)'$/gm)) reference[m[1]!] = m[2]!;
    const slide = await openSlide(slidePath(name));
    try {
      assert.deepEqual({ ...slide.properties }, reference, name);
    } finally {
      slide.close();
    }
  }
});

test('bestLevelForDownsample matches the pyramid', { skip }, async () => {
  const slide = await openSlide(slidePath('test3-DAPI-2-(387).ndpi'));
  try {
    assert.equal(slide.bestLevelForDownsample(1), 0);
    assert.equal(slide.bestLevelForDownsample(0.5), 0);
    const last = slide.levels.length - 1;
    assert.equal(slide.bestLevelForDownsample(1e6), last);
    for (let i = 0; i < slide.levels.length; i++) {
      // Slightly above a level's own downsample picks that level (OpenSlide picks the largest ≤).
      assert.equal(slide.bestLevelForDownsample(slide.levels[i]!.downsample * 1.01), i);
    }
  } finally {
    slide.close();
  }
});
