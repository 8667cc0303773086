import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { projectRoot } from '../../../electron/core/paths.js';
import type { FhirBundle } from '../../../electron/core/report/index.js';
import { exportReport, fhirBundleSchema } from '../../../electron/core/report/index.js';
import { amendReport, secondSign, signReport } from '../../../electron/core/signoff/index.js';
import type { CaseStore } from '../../../electron/core/store/index.js';
import { classColorOf, hexToRgb } from '../../../electron/shared/domain/classColors.js';
import { BLAST_DEFINITIONS, computeDifferential } from '../../../electron/shared/domain/differential/index.js';
import { AppError } from '../../../electron/shared/errors/AppError.js';
import { officialR4Validator } from './fhirSchema.js';
import { buildFixtureCase, PASSWORDS, tempCase } from './reportFixture.js';

const poppler = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const noPoppler = poppler ? false : 'pdftotext/pdftoppm (poppler-utils) not installed: run scripts/setup.sh';
const artifacts = join(projectRoot(), 'test', 'artifacts', 'report');

/** A reviewed, signed and second-signed case: 3 cells relabelled, 1 deferred (override), 1 disagreement. */
async function signedCase(db: string): Promise<{ store: CaseStore; runId: number; ids: Map<string, number[]> }> {
  const { store, runId, cellIdsByCode: ids } = await buildFixtureCase(db);
  store.review.decide({ cellIds: ids.get('M1')!.slice(0, 2), action: 'reclassify', labelCode: 'M2', reviewer: 'AB' });
  store.review.decide({ cellIds: ids.get('L2')!.slice(0, 1), action: 'reclassify', labelCode: 'L4', reviewer: 'AB' });
  store.review.decide({ cellIds: ids.get('U1')!.slice(0, 1), action: 'defer', reviewer: 'AB' });
  await signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approved', overrideReason: 'Smudged cell, not classifiable' });
  await secondSign(store, { runId, initials: 'CD', password: PASSWORDS.CD, meaning: 'reviewed', disagreements: [{ cellId: ids.get('M1')![5]!, labelCode: 'M2', note: 'azurophilic granules' }] });
  return { store, runId, ids };
}

/** The differential recomputed independently from the store's current-label counts. */
function expectedDifferential(store: CaseStore, runId: number) {
  return computeDifferential(store.cells.currentLabelCounts(runId), { blastDefinition: BLAST_DEFINITIONS.icsh, meConvention: 'icsh-with-monocytes' });
}

test('PDF: pdftotext finds every number of the differential, the signatures and the page numbers; no text outside the page margins', { skip: noPoppler }, async (t) => {
  const tmp = tempCase();
  t.after(tmp.cleanup);
  const { store, runId } = await signedCase(tmp.db);
  t.after(() => store.close());
  const pdf = join(tmp.dir, 'report.pdf');
  const { files } = await exportReport(store, runId, 'pdf', pdf, { appVersion: '0.1.0' });
  assert.equal(files.length, 1);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const lines = text.split('\n');
  const d = expectedDifferential(store, runId);
  assert.equal(d.ndcTotal, 500, 'fixture NDC (relabelling within counted classes and deferring an artifact leave it at 500)');
  for (const r of d.rows) {
    const line = lines.find((l) => l.includes(r.name));
    assert.ok(line, `row ${r.name} is in the PDF`);
    for (const token of [String(r.count), r.percent!.toFixed(1), `${r.interval!.low.toFixed(1)}–${r.interval!.high.toFixed(1)}`]) {
      assert.ok(line.includes(token), `row ${r.name}: expected ${token} in ${JSON.stringify(line)}`);
    }
  }
  for (const r of d.excluded.filter((x) => x.count > 0)) {
    const line = lines.find((l) => l.includes(r.name));
    assert.ok(line?.trimEnd().endsWith(String(r.count)), `excluded row ${r.name} shows ${r.count}: ${JSON.stringify(line)}`);
  }
  assert.match(text, new RegExp(`Total nucleated cells counted \\(NDC\\): ${d.ndcTotal}`));
  assert.ok(text.includes(`M:E ratio: ${d.meRatio.display}`), `M:E ${d.meRatio.display}`);
  assert.match(text, /M:E convention: ICSH: granulocytic and monocytic/);
  const flat = text.replace(/\s+/g, ' '); // wrapped cells break phrases across lines
  for (const s of ['Case S26-0412', 'MRN-0047731', 'S26-0412-A.svs', 'Dr Alice Brown (AB)', 'Dr Chidi Dube (CD)', 'approved', 'Smudged cell, not classifiable', 'azurophilic granules', 'Research use only', 'RESEARCH USE ONLY', 'FINAL', '0.2527 × 0.2527 µm/px', 'b2b2b2b2']) {
    assert.ok(flat.includes(s), `PDF text includes ${s}`);
  }
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
  for (let p = 1; p <= pages; p++) assert.ok(text.includes(`Page ${p} of ${pages}`), `page ${p} numbered`);
  assert.equal(text.includes('DRAFT'), false, 'a final report is not marked draft');

  // Every word lies inside the page, within the margins (nothing clipped or running off the edge).
  const bbox = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
  const words = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)];
  assert.ok(words.length > 300);
  for (const [, x0, y0, x1, y1, w] of words) {
    assert.ok(Number(x0) >= 40 && Number(x1) <= 595.28 - 40 && Number(y0) >= 20 && Number(y1) <= 841.89 - 20, `word ${JSON.stringify(w)} at ${x0},${y0}–${x1},${y1} is outside the margins`);
  }
  mkdirSync(artifacts, { recursive: true });
  copyFileSync(pdf, join(artifacts, 'report-final.pdf'));
});

/** Renders page `n` to PNG at 100 dpi with pdftoppm and returns its raw RGB pixels. */
async function renderPage(pdf: string, n: number, png: string): Promise<{ data: Buffer; width: number; height: number }> {
  execFileSync('pdftoppm', ['-r', '100', '-f', String(n), '-l', String(n), '-png', '-singlefile', pdf, png.replace(/\.png$/, '')]);
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Pixels within `tol` of an RGB colour in a region. */
function countNear(img: { data: Buffer; width: number; height: number }, rgb: readonly number[], tol: number, region = { x0: 0, y0: 0, x1: img.width, y1: img.height }): number {
  let n = 0;
  for (let y = region.y0; y < region.y1; y++) {
    for (let x = region.x0; x < region.x1; x++) {
      const i = (y * img.width + x) * 3;
      if (Math.abs(img.data[i]! - rgb[0]!) <= tol && Math.abs(img.data[i + 1]! - rgb[1]!) <= tol && Math.abs(img.data[i + 2]! - rgb[2]!) <= tol) n++;
    }
  }
  return n;
}

test('PDF: a rendered page (pdftoppm) has the header band, class colour swatches, a gallery and clean margins; the draft is watermarked (saved as artifacts)', { skip: noPoppler }, async (t) => {
  const tmp = tempCase();
  t.after(tmp.cleanup);
  const { store, runId } = await signedCase(tmp.db);
  t.after(() => store.close());
  mkdirSync(artifacts, { recursive: true });
  const pdf = join(tmp.dir, 'final.pdf');
  await exportReport(store, runId, 'pdf', pdf, { appVersion: '0.1.0' });
  const page1 = await renderPage(pdf, 1, join(artifacts, 'report-final-page1.png'));
  assert.equal(page1.width, 827, 'A4 at 100 dpi');
  const px = (pt: number): number => Math.round((pt * 100) / 72);
  // The accent band across the top (y 34–37 pt).
  assert.ok(countNear(page1, [0x1f, 0x3a, 0x5f], 12, { x0: px(48), y0: px(34), x1: px(547), y1: px(37) }) > 0.9 * (px(547) - px(48)) * (px(37) - px(34)), 'header band');
  // Colour swatches of the differential rows: blasts, lymphocytes, erythroid.
  for (const code of ['M1', 'L2', 'ER3']) assert.ok(countNear(page1, hexToRgb(classColorOf(code)), 10) >= 40, `swatch of ${code}`);
  // Text is there (dark pixels), and nothing is drawn in the side margins.
  assert.ok(countNear(page1, [30, 30, 30], 40) > 3000, 'page has text');
  const white = (x0: number, x1: number): number => countNear(page1, [255, 255, 255], 3, { x0, y0: 0, x1, y1: page1.height });
  assert.equal(white(0, px(40)), px(40) * page1.height, 'left margin is blank');
  assert.equal(white(px(555), page1.width), (page1.width - px(555)) * page1.height, 'right margin is blank');
  // A final report has no watermark: no pale-red pixels in the page centre.
  const centre = { x0: px(150), y0: px(300), x1: px(450), y1: px(540) };
  assert.ok(countNear(page1, [252, 232, 232], 6, centre) < 50, 'no DRAFT watermark on a final report');
  // The gallery page shows real cell images (many distinct colours), framed in class colours.
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
  const page2 = await renderPage(pdf, 2, join(artifacts, 'report-final-page2.png'));
  assert.ok(pages >= 3);
  assert.ok(countNear(page2, hexToRgb(classColorOf('M2')), 12) > 100, 'gallery frames in the promyelocyte colour');

  const draft = join(tmp.dir, 'draft.pdf');
  await exportReport(store, runId, 'pdf', draft, { appVersion: '0.1.0', draft: true });
  const d1 = await renderPage(draft, 1, join(artifacts, 'report-draft-page1.png'));
  assert.ok(countNear(d1, [252, 232, 232], 8, centre) > 2000, 'DRAFT watermark across the page');
});

test('final reports are refused for an unsigned run or an open amendment; a draft is allowed and marked on every page', { skip: noPoppler }, async (t) => {
  const tmp = tempCase();
  t.after(tmp.cleanup);
  const { store, runId } = await buildFixtureCase(tmp.db);
  t.after(() => store.close());
  const refused = (re: RegExp) => (e: unknown) => e instanceof AppError && e.code === 'SIGNOFF_BLOCKED' && re.test(e.message);
  for (const format of ['pdf', 'csv', 'fhir', 'geojson'] as const) {
    await assert.rejects(exportReport(store, runId, format, join(tmp.dir, `final.${format}`), { appVersion: '0.1.0' }), refused(/not signed: a final report needs a signature .*--draft/));
  }
  assert.equal(existsSync(join(tmp.dir, 'final.pdf')), false, 'nothing is written when refused');
  const draft = join(tmp.dir, 'draft.pdf');
  await exportReport(store, runId, 'pdf', draft, { appVersion: '0.1.0', draft: true });
  const text = execFileSync('pdftotext', ['-layout', draft, '-'], { encoding: 'utf8' });
  const pages = text.split('\f').filter((p) => p.trim() !== '');
  assert.ok(pages.every((p) => p.includes('DRAFT — NOT SIGNED')), 'every page says DRAFT — NOT SIGNED');
  assert.match(text, /NOT SIGNED\. This draft shows the current labels/);
  const exported = store.audit.list().filter((e) => e.action === 'report.export');
  assert.deepEqual(exported.map((e) => [(e.payload as { final: boolean }).final, (e.payload as { format: string }).format]), [[false, 'pdf']], 'the draft export is audited; refusals wrote nothing');

  await signReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, meaning: 'approved' });
  await amendReport(store, { runId, initials: 'AB', password: PASSWORDS.AB, reason: 'recount blasts' });
  await assert.rejects(exportReport(store, runId, 'pdf', join(tmp.dir, 'amended.pdf'), { appVersion: '0.1.0' }), refused(/Version 2 .* open amendment, not signed/));
});

test('FHIR R4: the Bundle validates against the official R4 JSON schema and our structure check; Observations carry the differential and M:E (LOINC 11138-5)', async (t) => {
  const tmp = tempCase();
  t.after(tmp.cleanup);
  const { store, runId } = await signedCase(tmp.db);
  t.after(() => store.close());
  const out = join(tmp.dir, 'report.fhir.json');
  await exportReport(store, runId, 'fhir', out, { appVersion: '0.1.0' });
  const bundle = JSON.parse(readFileSync(out, 'utf8')) as FhirBundle;
  const official = officialR4Validator()(bundle);
  assert.ok(official.valid, official.errors.slice(0, 5).join('\n'));
  assert.equal(fhirBundleSchema.safeParse(bundle).success, true);

  const resources = bundle.entry.map((e) => e.resource);
  const report = resources.find((r) => r.resourceType === 'DiagnosticReport')!;
  assert.ok(report.resourceType === 'DiagnosticReport');
  assert.equal(report.status, 'final');
  assert.deepEqual(report.code.coding?.[0], { system: 'http://loinc.org', code: '47286-0', display: 'Differential panel - Bone marrow' });
  assert.equal(report.resultsInterpreter?.length, 2);
  const obs = new Map(bundle.entry.filter((e) => e.resource.resourceType === 'Observation').map((e) => [e.fullUrl, e.resource]));
  assert.equal(report.result.length, obs.size);
  const d = expectedDifferential(store, runId);
  const byLocal = (code: string) => [...obs.values()].find((o) => o.resourceType === 'Observation' && o.code.coding?.some((c) => c.code === code));
  for (const r of d.rows) {
    const o = byLocal(r.category);
    assert.ok(o && o.resourceType === 'Observation', `observation for ${r.category}`);
    assert.equal(o.valueQuantity?.value, Number(r.percent!.toFixed(2)));
    assert.equal(o.valueQuantity?.code, '%');
    assert.deepEqual(o.component?.map((c) => c.valueQuantity?.value), [r.count, Number(r.interval!.low.toFixed(2)), Number(r.interval!.high.toFixed(2))]);
  }
  const lymph = byLocal('lymphocytes');
  assert.ok(lymph?.resourceType === 'Observation' && lymph.code.coding?.[0]?.code === '11108-8', 'lymphocytes carry LOINC 11108-8');
  const me = byLocal('11138-5');
  assert.ok(me && me.resourceType === 'Observation');
  assert.deepEqual(me.valueRatio, { numerator: { value: Number(d.meRatio.ratio!.toFixed(2)) }, denominator: { value: 1 } });
  const total = byLocal('38257-2');
  assert.ok(total && total.resourceType === 'Observation' && total.valueQuantity?.value === d.ndcTotal);
  const patient = resources.find((r) => r.resourceType === 'Patient');
  assert.ok(patient && patient.resourceType === 'Patient' && patient.birthDate === '1961-03-14');

  // The official schema really checks: a wrong status code and an unknown element are rejected.
  const broken = structuredClone(bundle) as unknown as { entry: { resource: Record<string, unknown> }[] };
  broken.entry.at(-1)!.resource['status'] = 'done';
  assert.equal(officialR4Validator()(broken).valid, false);
});

test('QuPath GeoJSON: every cell re-imports as a closed polygon detection with its current class name and colour', async (t) => {
  const tmp = tempCase();
  t.after(tmp.cleanup);
  const { store, runId, ids } = await signedCase(tmp.db);
  t.after(() => store.close());
  const out = join(tmp.dir, 'cells.geojson');
  await exportReport(store, runId, 'geojson', out, { appVersion: '0.1.0' });
  // Re-import: parse as QuPath does (FeatureCollection of Features, Polygon rings closed, objectType, classification {name, color}).
  const geo = JSON.parse(readFileSync(out, 'utf8')) as { type: string; features: { type: string; geometry: { type: string; coordinates: number[][][] }; properties: { objectType: string; classification: { name: string; color: number[] }; cellId: number } }[] };
  assert.equal(geo.type, 'FeatureCollection');
  assert.equal(geo.features.length, store.cells.countForRun(runId));
  for (const f of geo.features) {
    assert.equal(f.type, 'Feature');
    assert.equal(f.geometry.type, 'Polygon');
    const ring = f.geometry.coordinates[0]!;
    assert.ok(ring.length >= 4 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1], 'closed ring');
    assert.equal(f.properties.objectType, 'detection');
    const current = store.review.currentLabel(f.properties.cellId).labelCode;
    assert.equal(f.properties.classification.name, current);
    assert.deepEqual(f.properties.classification.color, hexToRgb(classColorOf(current)));
    assert.ok(f.properties.classification.color.every((c) => Number.isInteger(c) && c >= 0 && c <= 255));
  }
  const relabelled = geo.features.find((f) => f.properties.cellId === ids.get('M1')![0]);
  assert.equal(relabelled?.properties.classification.name, 'M2', 'the reviewed label, not the prediction');
  const counts = new Map<string, number>();
  for (const f of geo.features) counts.set(f.properties.classification.name, (counts.get(f.properties.classification.name) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(counts), store.cells.currentLabelCounts(runId));
});

test('CSV: one row per category plus one file per cell list, numbers as in the differential', async (t) => {
  const tmp = tempCase();
  t.after(tmp.cleanup);
  const { store, runId } = await signedCase(tmp.db);
  t.after(() => store.close());
  const { files } = await exportReport(store, runId, 'csv', join(tmp.dir, 'diff.csv'), { appVersion: '0.1.0' });
  assert.deepEqual(files.map((f) => f.path.split('/').pop()), ['diff.csv', 'diff-summary.csv', 'diff-cells.csv', 'diff-relabelled.csv', 'diff-deferred.csv', 'diff-disagreements.csv']);
  const rows = readFileSync(join(tmp.dir, 'diff.csv'), 'utf8').trim().split('\n');
  const d = expectedDifferential(store, runId);
  assert.equal(rows.length, 1 + d.rows.length + d.excluded.length);
  for (const r of d.rows) {
    const row = rows.find((l) => l.startsWith(`${r.category},`))!.split(',');
    assert.deepEqual(row.slice(2, 7), ['yes', String(r.count), r.percent!.toFixed(1), r.interval!.low.toFixed(1), r.interval!.high.toFixed(1)]);
  }
  const lineCount = (name: string): number => readFileSync(join(tmp.dir, name), 'utf8').trim().split('\n').length - 1;
  assert.equal(lineCount('diff-cells.csv'), store.cells.countForRun(runId));
  assert.equal(lineCount('diff-relabelled.csv'), 4, '2 M1→M2, 1 L2→L4, 1 deferral');
  assert.equal(lineCount('diff-deferred.csv'), 1);
  assert.equal(lineCount('diff-disagreements.csv'), 1);
  assert.match(readFileSync(join(tmp.dir, 'diff-summary.csv'), 'utf8'), new RegExp(`^ndc_total,${d.ndcTotal}$`, 'm'));
});
