import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot, sharedDataDir } from '../../../electron/core/paths.js';
import { csvLine, parseCsv } from '../../../electron/core/infer/csv.js';
import type { ClassificationMetrics } from '../../../electron/core/infer/metrics.js';

const run = promisify(execFile);
const root = projectRoot();
const bin = join(root, 'bin', 'marrowscope.js');
const tiny = join(root, 'test', 'fixtures', 'tiny-ensemble', 'manifest.json');
const pbc = join(sharedDataDir(), 'cells', 'pbc');
const noData = existsSync(join(pbc, 'labels.csv')) ? false : `shared PBC data not found at ${pbc}`;

interface Report {
  rows: number;
  evaluated: number;
  excluded: { unmapped: Record<string, number>; notEvaluated: Record<string, number>; unreadable: Record<string, number> };
  metrics: ClassificationMetrics;
}

test('evaluate on a small labelled PBC subset: fine codes via --map, then 8 coarse classes via --pred-map', { skip: noData }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marrowscope-evaluate-'));
  try {
    const all = parseCsv(readFileSync(join(pbc, 'labels.csv'), 'utf8')).rows;
    // Two of each fine code (IG and NEUTROPHIL have no taxonomy code: excluded by the fine map), plus a missing file.
    const fines = ['BA', 'EO', 'ERB', 'IG', 'LY', 'MMY', 'MO', 'MY', 'NEUTROPHIL', 'PLATELET', 'PMY', 'BNE', 'SNE'];
    const subset = fines.flatMap((f) => all.filter((r) => r['fine_code'] === f).slice(0, 2));
    const lines = [csvLine(['file', 'coarse_class', 'fine_code', 'source_file'])];
    for (const r of subset) lines.push(csvLine([r['file']!, r['coarse_class']!, r['fine_code']!, r['source_file']!]));
    lines.push(csvLine(['lymphocyte/does-not-exist.jpg', 'lymphocyte', 'LY', 'x']));
    const labels = join(dir, 'labels.csv');
    writeFileSync(labels, lines.join(''));

    const out = join(dir, 'fine.json');
    const common = ['evaluate', '--model', tiny, '--mpp', '0.25', '--labels', labels, '--root', pbc];
    const fine = await run(process.execPath, [bin, ...common, '--label-column', 'fine_code', '--map', join(root, 'models', 'pbc-map.json'), '--out', out], { cwd: root });
    assert.match(fine.stdout, /balanced accuracy/);
    assert.match(fine.stdout, /excluded \(unmapped\): IG 2, NEUTROPHIL 2/);
    const f = JSON.parse(readFileSync(out, 'utf8')) as Report;
    assert.equal(f.rows, 27);
    assert.equal(f.evaluated, 22);
    assert.deepEqual(f.excluded.unmapped, { IG: 2, NEUTROPHIL: 2 });
    assert.deepEqual(f.excluded.unreadable, { NOT_FOUND: 1 });
    assert.deepEqual(f.metrics.labels, ['B2', 'E4', 'ER', 'M2', 'M3', 'M4', 'M5', 'M6', 'L2', 'MO2', 'PL3']);
    assert.equal(f.metrics.confusion.flat().reduce((a, b) => a + b, 0), 22);
    assert.deepEqual(f.metrics.perClass.map((c) => c.support), [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    const diag = f.metrics.confusion.reduce((a, row, i) => a + row[i]!, 0);
    assert.equal(f.metrics.accuracy, diag / 22);

    // The same predictions, grouped into PBC's coarse classes: IG and NEUTROPHIL rows count again.
    const coarse = await run(process.execPath, [bin, ...common, '--json', '--label-column', 'coarse_class', '--pred-map', join(root, 'models', 'pbc-coarse-map.json')], { cwd: root });
    const c = JSON.parse(coarse.stdout) as Report;
    assert.equal(c.evaluated, 26);
    assert.deepEqual(c.metrics.labels, ['basophil', 'eosinophil', 'erythroblast', 'ig', 'neutrophil', 'lymphocyte', 'monocyte', 'platelet']);
    assert.deepEqual(c.metrics.perClass.map((x) => x.support), [2, 2, 2, 8, 6, 2, 2, 2]);
    // Grouping can only merge errors away: coarse accuracy on the fine-labelled rows is ≥ fine accuracy.
    assert.ok(c.metrics.accuracy * 26 >= diag, 'coarse hits include every fine hit');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('evaluate names a missing column', { skip: noData }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marrowscope-evaluate-'));
  try {
    writeFileSync(join(dir, 'l.csv'), 'path,label\nx.jpg,BA\n');
    const r = await run(process.execPath, [bin, 'evaluate', '--json', '--model', tiny, '--mpp', '0.25', '--labels', join(dir, 'l.csv'), '--root', pbc], { cwd: root }).then(
      () => assert.fail('should exit non-zero'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Column \\"file\\" not in/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
