import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CELL_CLASSES,
  COUNTED_CATEGORIES,
  DEFER_CODE,
  EXCLUDED_CATEGORIES,
  MODEL_CLASS_CODES,
  cellClassByCode,
  codesInCategory,
  isCellClassCode,
  isCounted,
  isReviewerOnly,
  lineageOf,
  requireCellClass,
} from '../../electron/shared/domain/taxonomy.js';
import { AppError } from '../../electron/shared/errors/AppError.js';

test('the 23 DeepHeme model codes are in sorted (model output) order and all present', () => {
  assert.equal(MODEL_CLASS_CODES.length, 23);
  assert.deepEqual([...MODEL_CLASS_CODES], [...MODEL_CLASS_CODES].sort());
  const modelOutputs = CELL_CLASSES.filter((c) => c.modelOutput).map((c) => c.code);
  assert.deepEqual(modelOutputs, [...MODEL_CLASS_CODES]);
});

test('codes are unique and every class has a category from the report lists', () => {
  const codes = CELL_CLASSES.map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length);
  const known = new Set<string>([...COUNTED_CATEGORIES, ...EXCLUDED_CATEGORIES]);
  for (const c of CELL_CLASSES) {
    assert.ok(known.has(c.category), `${c.code} has category ${c.category}`);
    // counted classes sit in counted categories and excluded ones in excluded categories
    assert.equal((COUNTED_CATEGORIES as readonly string[]).includes(c.category), c.counted, c.code);
  }
});

test('ICSH inclusion and exclusion per DOMAIN.md', () => {
  for (const code of ['B1', 'B2', 'E1', 'E4', 'ER1', 'ER2', 'ER3', 'ER4', 'L2', 'L4', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'MO2', 'ER']) {
    assert.equal(isCounted(code), true, code);
  }
  for (const code of ['ER5', 'ER6', 'PL2', 'PL3', 'U1', 'U4', 'OT', DEFER_CODE, 'nonsense']) {
    assert.equal(isCounted(code), false, code);
  }
  assert.equal(cellClassByCode('U4')?.category, 'mitoses');
  assert.equal(cellClassByCode('PL2')?.category, 'megakaryocytes');
  assert.deepEqual(codesInCategory('eosinophils'), ['E1', 'E4']);
  assert.deepEqual(codesInCategory('nonNucleatedRed'), ['ER5', 'ER6']);
});

test('M:E lineages: granulocytes incl. myeloblasts, monocytic series, erythroblasts', () => {
  for (const code of ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'E1', 'E4', 'B2']) assert.equal(lineageOf(code), 'granulocytic', code);
  for (const code of ['MO2', 'PMO', 'MB']) assert.equal(lineageOf(code), 'monocytic', code);
  for (const code of ['ER', 'ER1', 'ER2', 'ER3', 'ER4']) assert.equal(lineageOf(code), 'erythroid', code);
  for (const code of ['B1', 'L2', 'L4', 'LB', 'HG', 'RL', 'ER5', 'PL2', 'zzz']) assert.equal(lineageOf(code), 'other', code);
});

test('reviewer-only classes: extra morphology classes and DEFER, promonocytes with monocytes', () => {
  for (const code of ['LB', 'HG', 'MB', 'PMO', 'RL', 'OT', DEFER_CODE]) assert.equal(isReviewerOnly(code), true, code);
  assert.equal(isReviewerOnly('ER'), false);
  assert.equal(isReviewerOnly('M1'), false);
  assert.equal(cellClassByCode('PMO')?.category, 'monocytes');
  assert.equal(cellClassByCode('PMO')?.blastCandidate, 'promonocyte');
  assert.equal(cellClassByCode('HG')?.blastCandidate, undefined);
  assert.equal(cellClassByCode(DEFER_CODE)?.category, 'deferred');
});

test('lookups reject unknown codes with a coded error', () => {
  assert.equal(isCellClassCode('M1'), true);
  assert.equal(isCellClassCode('m1'), false);
  assert.equal(isCellClassCode(3), false);
  assert.equal(cellClassByCode('XX'), undefined);
  assert.equal(requireCellClass('L4').name, 'plasma cell');
  assert.throws(() => requireCellClass('XX'), (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED' && /"XX"/.test(e.message));
});
