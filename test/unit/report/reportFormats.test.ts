import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField } from '../../../electron/core/report/reportToCsv.js';
import { fhirBundleSchema } from '../../../electron/core/report/fhirR4Schema.js';
import { formatInterval, formatPercent, formatUtc } from '../../../electron/core/report/formatReportNumbers.js';
import { CATEGORY_COLORS, classColorOf, hexToRgb, UNKNOWN_CLASS_COLOR } from '../../../electron/shared/domain/classColors.js';
import { CELL_CLASSES } from '../../../electron/shared/domain/taxonomy.js';

test('CSV fields are quoted only when needed (RFC 4180)', () => {
  assert.equal(csvField('Blasts'), 'Blasts');
  assert.equal(csvField('M2 3, M3 4'), '"M2 3, M3 4"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(null), '');
  assert.equal(csvField(12.5), '12.5');
});

test('report numbers: one decimal, en-dash intervals, UTC minutes', () => {
  assert.equal(formatPercent(3.04), '3.0');
  assert.equal(formatPercent(null), '—');
  assert.equal(formatInterval({ low: 1.849, high: 4.95 }), '1.8–5.0');
  assert.equal(formatUtc('2026-11-27T06:12:33.123Z'), '2026-11-27 06:12 UTC');
});

test('every class has its category colour; colours convert to QuPath RGB triples', () => {
  for (const c of CELL_CLASSES) assert.equal(classColorOf(c.code), CATEGORY_COLORS[c.category]);
  assert.equal(classColorOf('NOPE'), UNKNOWN_CLASS_COLOR);
  assert.deepEqual(hexToRgb('#d32f2f'), [211, 47, 47]);
  assert.throws(() => hexToRgb('red'), /#rrggbb/);
  assert.equal(new Set(Object.values(CATEGORY_COLORS)).size, Object.keys(CATEGORY_COLORS).length, 'categories are told apart by colour');
});

/** A minimal valid bundle: a report with one observation. */
function bundle() {
  return {
    resourceType: 'Bundle',
    id: 'b1',
    type: 'collection',
    timestamp: '2026-11-27T06:00:00.000Z',
    entry: [
      {
        fullUrl: 'urn:uuid:o1',
        resource: {
          resourceType: 'Observation',
          id: 'o1',
          status: 'final',
          category: [{ text: 'Laboratory' }],
          code: { coding: [{ system: 'http://loinc.org', code: '11138-5' }] },
          valueRatio: { numerator: { value: 2.8 }, denominator: { value: 1 } },
        },
      },
      {
        fullUrl: 'urn:uuid:r1',
        resource: {
          resourceType: 'DiagnosticReport',
          id: 'r1',
          status: 'final',
          category: [{ text: 'Hematology' }],
          code: { text: 'Bone marrow differential' },
          result: [{ reference: 'urn:uuid:o1' }],
        },
      },
    ],
  };
}

test('the FHIR structure check accepts a sound bundle and names what is wrong in a broken one', () => {
  assert.equal(fhirBundleSchema.safeParse(bundle()).success, true);
  const dangling = bundle();
  (dangling.entry[1]!.resource as { result: { reference: string }[] }).result = [{ reference: 'urn:uuid:missing' }];
  assert.match(JSON.stringify(fhirBundleSchema.safeParse(dangling).error?.issues), /urn:uuid:missing to be an entry of the bundle/);
  const both = bundle();
  Object.assign(both.entry[0]!.resource, { dataAbsentReason: { text: 'n/a' } });
  assert.match(JSON.stringify(fhirBundleSchema.safeParse(both).error?.issues), /obs-6/);
  const status = bundle();
  (status.entry[1]!.resource as { status: string }).status = 'signed';
  assert.equal(fhirBundleSchema.safeParse(status).success, false);
  const dup = bundle();
  dup.entry[1]!.fullUrl = 'urn:uuid:o1';
  assert.match(JSON.stringify(fhirBundleSchema.safeParse(dup).error?.issues), /bdl-7/);
  const extra = bundle();
  Object.assign(extra.entry[1]!.resource, { resultz: [] });
  assert.equal(fhirBundleSchema.safeParse(extra).success, false, 'unknown elements are refused');
});
