// Builds a realistic, completed case file through the real repositories: one slide, one run of the
// 23-class model, cells with known per-class counts and real cell crops (JPEG), for report and sign-off tests.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { projectRoot, sharedDataDir } from '../../../electron/core/paths.js';
import { addReviewer } from '../../../electron/core/signoff/index.js';
import type { CaseStore, NewCell } from '../../../electron/core/store/index.js';
import { openCaseStore } from '../../../electron/core/store/index.js';
import { MODEL_CLASS_CODES } from '../../../electron/shared/domain/taxonomy.js';

/** Cells per predicted code in the fixture run: 530 cells, NDC 500, blasts 17 (3.4%). */
export const FIXTURE_COUNTS: Readonly<Record<string, number>> = {
  M1: 17, M2: 24, M3: 41, M4: 38, M5: 55, M6: 92, E1: 9, E4: 14, B2: 3, B1: 1, MO2: 21, L2: 63, L4: 11,
  ER1: 6, ER2: 22, ER3: 48, ER4: 35, PL2: 4, U1: 7, U4: 2, ER6: 10, PL3: 3, ER5: 4,
};

/** Passwords of the fixture reviewers (test-only). */
export const PASSWORDS = { AB: 'correct horse battery', CD: 'second opinion 42' } as const;

/** A temp folder with a case file path; `cleanup` removes it. */
export function tempCase(prefix = 'ms-report-'): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, db: join(dir, 'case.marrowscope'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** PBC fine codes (shared/data/cells/pbc) that show each model code; unmapped codes use the tiny fixture crops. */
const PBC_FOR_CODE: Readonly<Record<string, string>> = {
  B2: 'BA', E1: 'EO', E4: 'EO', ER1: 'ERB', ER2: 'ERB', ER3: 'ERB', ER4: 'ERB', M1: 'IG', M2: 'PMY', M3: 'MY', M4: 'MMY', M5: 'BNE', M6: 'SNE', MO2: 'MO', L2: 'LY', L4: 'LY', PL3: 'PLATELET',
};

let crops: Map<string, Buffer[]> | undefined;
/**
 * Real cell images per model code as 96² JPEG crops like the pipeline stores: PBC single-cell images
 * (about 0.25 µm/px) when ../shared/data is present, else the tiny ensemble's fixture crops.
 */
async function realCrops(): Promise<Map<string, Buffer[]>> {
  if (crops) return crops;
  const tinyDir = join(projectRoot(), 'test', 'fixtures', 'tiny-ensemble', 'crops');
  const tiny = await Promise.all(readdirSync(tinyDir).filter((f) => f.endsWith('.png')).sort().map((f) => sharp(readFileSync(join(tinyDir, f))).jpeg({ quality: 85 }).toBuffer()));
  crops = new Map([['*', tiny]]);
  const pbc = join(sharedDataDir(), 'cells', 'pbc');
  if (existsSync(join(pbc, 'labels.csv'))) {
    const byFine = new Map<string, string[]>();
    for (const line of readFileSync(join(pbc, 'labels.csv'), 'utf8').split('\n').slice(1)) {
      const [file, , fine] = line.split(',');
      if (!file || !fine) continue;
      const list = byFine.get(fine) ?? [];
      if (list.length < 6) list.push(file);
      byFine.set(fine, list);
    }
    for (const [code, fine] of Object.entries(PBC_FOR_CODE)) {
      const files = byFine.get(fine) ?? [];
      const jpegs = await Promise.all(files.map((f) => sharp(join(pbc, f)).resize(96, 96, { fit: 'cover' }).jpeg({ quality: 85 }).toBuffer()));
      if (jpegs.length > 0) crops.set(code, jpegs);
    }
  }
  return crops;
}

/**
 * Creates a completed run with cells predicted per `counts` in 4 regions of 512² px and two
 * reviewers (AB primary, CD second). Returns the open store and ids.
 */
export async function buildFixtureCase(db: string, counts: Readonly<Record<string, number>> = FIXTURE_COUNTS): Promise<{ store: CaseStore; runId: number; cellIdsByCode: Map<string, number[]> }> {
  const store = openCaseStore(db, { actor: 'system:test' });
  const jpegs = await realCrops();
  const slide = store.slides.add({
    path: '/slides/S26-0412-A.svs',
    quickHash: 'c0ffee'.repeat(10) + 'beef',
    vendor: 'aperio',
    width: 98_304,
    height: 65_536,
    calibration: { kind: 'calibrated', x: 0.2527, y: 0.2527, source: 'openslide.mpp' },
    objectivePower: 40,
  });
  const classCodes = [...MODEL_CLASS_CODES];
  const run = store.runs.start({
    slideId: slide.id,
    manifestHash: 'a1'.repeat(32),
    memberHashes: { 'member-1.onnx': 'b2'.repeat(32), 'member-2.onnx': 'c3'.repeat(32) },
    classCodes,
    appVersion: '0.1.0',
    parameters: { regionSize: 512, detector: 'romanowsky-classical@1' },
  });
  store.runs.setProvider(run.id, 'cpu');
  const regions = store.regions.addMany(
    run.id,
    [0, 1, 2, 3].map((i) => ({
      orderIndex: i,
      geometry: { type: 'Polygon' as const, coordinates: [[[i * 600, 0], [i * 600 + 512, 0], [i * 600 + 512, 512], [i * 600, 512], [i * 600, 0]]] },
      source: 'automatic' as const,
    })),
  );
  const all: { code: string }[] = Object.entries(counts).flatMap(([code, n]) => Array.from({ length: n }, () => ({ code })));
  const perRegion = Math.ceil(all.length / regions.length);
  regions.forEach((region, r) => {
    const mine = all.slice(r * perRegion, (r + 1) * perRegion);
    const cells: NewCell[] = mine.map((c, i) => {
      const k = classCodes.indexOf(c.code as (typeof classCodes)[number]);
      const probabilities = classCodes.map((_, j) => (j === k ? 0.78 : 0.22 / (classCodes.length - 1)));
      const x = r * 600 + 10 + (i % 24) * 20;
      const y = 10 + Math.floor(i / 24) * 20;
      return {
        localIndex: i,
        centroid: { x: x + 8, y: y + 8 },
        bbox: { x, y, width: 16, height: 16 },
        outline: [{ x, y }, { x: x + 16, y }, { x: x + 16, y: y + 16 }, { x, y: y + 16 }],
        crop: pick(jpegs, c.code, i + r),
        probabilities,
        predictedCode: c.code,
        entropy: ((i * 37) % 100) / 100,
        agreement: 1,
        margin: 0.5,
      };
    });
    store.cells.insertBatch(region.id, cells);
  });
  store.runs.finish(run.id, 'completed');
  await addReviewer(store, { name: 'Dr Alice Brown', initials: 'AB', role: 'Consultant haematologist', password: PASSWORDS.AB });
  await addReviewer(store, { name: 'Dr Chidi Dube', initials: 'CD', role: 'Haematopathologist', password: PASSWORDS.CD });
  store.caseDetails.set({ caseNumber: 'S26-0412', patientId: 'MRN-0047731', patientName: 'Test Patient Ω', birthDate: '1961-03-14', specimen: 'Bone marrow aspirate, left posterior iliac crest', clinician: 'Dr R. Ødegaard' }, 'AB');
  const cellIdsByCode = new Map<string, number[]>();
  for (const code of Object.keys(counts)) cellIdsByCode.set(code, store.cells.byLabel(run.id, code, { limit: 10_000 }).map((c) => c.id));
  return { store, runId: run.id, cellIdsByCode };
}

function pick(jpegs: Map<string, Buffer[]>, code: string, i: number): Buffer | null {
  const list = jpegs.get(code) ?? jpegs.get('*') ?? [];
  return list[i % Math.max(1, list.length)] ?? null;
}
