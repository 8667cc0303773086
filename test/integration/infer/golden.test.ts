import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { projectRoot } from '../../../electron/core/paths.js';
import { softmax } from '../../../electron/core/infer/aggregate.js';
import type { CellCrop } from '../../../electron/core/infer/CellCrop.js';
import { Ensemble } from '../../../electron/core/infer/Ensemble.js';
import { InferenceWorker } from '../../../electron/core/infer/InferenceWorker.js';
import { preprocessCrops } from '../../../electron/core/infer/preprocess.js';

// Golden files (format of models/training/make_golden.py): PyTorch's outputs for fixed PNG crops.
interface Golden {
  classes: string[];
  temperature: number;
  members: string[];
  crops: {
    file: string;
    members: { file: string; logits: number[]; probs: number[]; probsCalibrated: number[] }[];
    ensembleProbsCalibrated: number[];
    ensembleTop: string;
  }[];
}

const root = projectRoot();
const TOL = 1e-4;

// The tiny fixture ensemble always runs; the real one runs whenever either half of it exists, and
// fails (never skips) when only one half does, so a shipped model cannot go untested.
const sets = [
  { name: 'tiny fixture ensemble', manifest: join(root, 'test/fixtures/tiny-ensemble/manifest.json'), expected: join(root, 'test/fixtures/tiny-ensemble/expected.json') },
];
const real = { name: 'shipped ensemble (models/manifest.json)', manifest: join(root, 'models/manifest.json'), expected: join(root, 'test/fixtures/golden/expected.json') };
if (existsSync(real.manifest) || existsSync(real.expected)) sets.push(real);

async function readCrops(g: Golden, dir: string, mpp: number): Promise<CellCrop[]> {
  return Promise.all(
    g.crops.map(async (c) => {
      const { data, info } = await sharp(join(dir, c.file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      return { data: new Uint8Array(data), width: info.width, height: info.height, micronsPerPixel: mpp };
    }),
  );
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    assert.ok(d <= tol, `${what}[${i}]: ${actual[i]} vs PyTorch ${expected[i]} (|Δ| ${d.toExponential(2)} > ${tol})`);
  }
}

for (const set of sets) {
  test(`golden: ${set.name} matches PyTorch within ${TOL} for every member and the ensemble`, async () => {
    assert.ok(existsSync(set.manifest), `${set.manifest} is missing while ${set.expected} exists`);
    assert.ok(existsSync(set.expected), `${set.expected} is missing while ${set.manifest} exists: ship golden fixtures with the model`);
    const g = JSON.parse(readFileSync(set.expected, 'utf8')) as Golden;
    const ensemble = await Ensemble.load(set.manifest, { providers: ['cpu'] });
    try {
      const m = ensemble.manifest;
      assert.deepEqual(g.classes, m.classes.map((c) => c.code), 'class order of the golden file vs the manifest');
      assert.deepEqual(g.members, m.members.map((x) => x.file), 'member files');
      assert.equal(g.temperature, m.calibration.temperature, 'calibration temperature');
      assert.ok(g.crops.length >= 1, 'golden file lists crops');
      const crops = await readCrops(g, dirname(set.expected), m.input.micronsPerPixel);
      crops.forEach((c) => assert.equal(c.width, m.input.size, 'golden crops are already model-sized'));
      const input = preprocessCrops(crops, m.input);
      const logits = await ensemble.runMembers(input, crops.length);
      const k = m.classes.length;
      g.crops.forEach((c, i) => {
        c.members.forEach((exp, j) => {
          const z = logits[j]!.subarray(i * k, (i + 1) * k);
          assertClose(z, exp.logits, TOL * Math.max(1, ...exp.logits.map(Math.abs)), `${c.file} ${exp.file} logits`);
          assertClose(softmax(z), exp.probs, TOL, `${c.file} ${exp.file} probs`);
          assertClose(softmax(z, m.calibration.temperature), exp.probsCalibrated, TOL, `${c.file} ${exp.file} calibrated probs`);
        });
      });
      const predictions = await ensemble.classify(crops);
      g.crops.forEach((c, i) => {
        assertClose(predictions[i]!.probabilities, c.ensembleProbsCalibrated, TOL, `${c.file} ensemble`);
        assert.equal(predictions[i]!.code, c.ensembleTop, `${c.file} ensemble class`);
      });
    } finally {
      await ensemble.release();
    }
  });

  test(`golden: ${set.name} gives the same ensemble probabilities through the inference worker`, async () => {
    if (!existsSync(set.manifest) || !existsSync(set.expected)) return assert.fail('fixtures incomplete (see the test above)');
    const g = JSON.parse(readFileSync(set.expected, 'utf8')) as Golden;
    const worker = await InferenceWorker.start(set.manifest, { providers: ['cpu'] });
    try {
      const crops = await readCrops(g, dirname(set.expected), worker.info.input.micronsPerPixel);
      const predictions = await worker.classify(crops);
      g.crops.forEach((c, i) => assertClose(predictions[i]!.probabilities, c.ensembleProbsCalibrated, TOL, `${c.file} ensemble via worker`));
    } finally {
      await worker.terminate();
    }
  });
}
