import { randomUUID } from 'node:crypto';
import { validate } from '../../shared/errors/validate.js';
import type { ReportModel } from './ReportModel.js';
import type { FhirBundle, FhirDiagnosticReport, FhirObservation } from './fhirR4Schema.js';
import { fhirBundleSchema } from './fhirR4Schema.js';
import type { LoincCode } from './loincCodes.js';
import { LOCAL_CATEGORY_SYSTEM, LOCAL_COMPONENT_SYSTEM, LOINC, LOINC_BM_DIFFERENTIAL_PANEL, LOINC_BY_CATEGORY, LOINC_CELLS_COUNTED, LOINC_ME_RATIO } from './loincCodes.js';

const UCUM = 'http://unitsofmeasure.org';
const LAB = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'Laboratory' }] };
const HEMATOLOGY = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'HM', display: 'Hematology' }] };
const NOT_APPLICABLE = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-applicable', display: 'Not Applicable' }] };
const METHOD = { text: 'Digital morphology: automated detection and ensemble classification of scanned aspirate regions, each label reviewable and signed by a reviewer (Marrowscope)' };

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

/**
 * The report as a FHIR R4 Bundle (type collection): a DiagnosticReport (LOINC 47286-0, bone marrow
 * differential panel; final when signed, preliminary for a draft) whose results are one
 * Observation per NDC category (% of NDC with its count and 95% interval as components; LOINC
 * where an exact code exists, always the local category code), the NDC total (38257-2) and the M:E
 * ratio (11138-5); the Patient when identifiers were entered; a Practitioner per signer.
 * Checked against the R4 structure before it is returned.
 */
export function reportToFhir(model: ReportModel): FhirBundle {
  const status: 'amended' | 'final' | 'preliminary' = model.final ? (model.version && model.version.version > 1 ? 'amended' : 'final') : 'preliminary';
  const obsStatus = status;
  const entries: FhirBundle['entry'] = [];
  const add = <T extends FhirBundle['entry'][number]['resource']>(make: (id: string) => T): string => {
    const uuid = randomUUID();
    entries.push({ fullUrl: `urn:uuid:${uuid}`, resource: make(uuid) });
    return `urn:uuid:${uuid}`;
  };
  const d = model.caseDetails;
  const subject = d && (d.patientId || d.patientName)
    ? {
        reference: add((id) => ({
          resourceType: 'Patient' as const,
          id,
          ...(d.patientId ? { identifier: [{ value: d.patientId }] } : {}),
          ...(d.patientName ? { name: [{ text: d.patientName }] } : {}),
          ...(d.birthDate ? { birthDate: d.birthDate } : {}),
        })),
        ...(d.patientName ? { display: d.patientName } : {}),
      }
    : undefined;
  const interpreters = model.signatures.map((s) => ({
    reference: add((id) => ({ resourceType: 'Practitioner' as const, id, identifier: [{ system: 'urn:marrowscope:reviewer-initials', value: s.initials }], name: [{ text: s.printedName }] })),
    display: `${s.printedName} (${s.role}; ${s.capacity === 'primary' ? 'signed' : 'second reviewer'}, ${s.meaning})`,
  }));
  const effective = model.run.finishedAt ?? model.run.startedAt;
  const issued = model.version?.signedAt ?? model.generatedAt;
  const base = {
    resourceType: 'Observation' as const,
    status: obsStatus,
    category: [LAB],
    ...(subject ? { subject } : {}),
    effectiveDateTime: effective,
    issued,
    ...(interpreters.length ? { performer: interpreters.map((r) => ({ reference: r.reference })) } : {}),
    method: METHOD,
  };
  const codeOf = (loinc: LoincCode | undefined, localCode: string, text: string): FhirObservation['code'] => ({
    coding: [...(loinc ? [{ system: LOINC, code: loinc.code, display: loinc.display }] : []), { system: LOCAL_CATEGORY_SYSTEM, code: localCode, display: text }],
    text,
  });
  const component = (c: string, display: string, value: number, unit: string, ucum: string) => ({
    code: { coding: [{ system: LOCAL_COMPONENT_SYSTEM, code: c, display }], text: display },
    valueQuantity: { value, unit, system: UCUM, code: ucum },
  });

  const diff = model.differential;
  const results: string[] = [];
  for (const r of diff.rows) {
    results.push(
      add((id): FhirObservation => ({
        ...base,
        id,
        code: codeOf(LOINC_BY_CATEGORY[r.category], r.category, `${r.name} / 100 nucleated cells in bone marrow`),
        ...(r.percent === null ? { dataAbsentReason: NOT_APPLICABLE } : { valueQuantity: { value: round(r.percent, 2), unit: '%', system: UCUM, code: '%' } }),
        component: [
          component('count', 'Cells counted in this category', r.count, 'cells', '{cells}'),
          ...(r.interval
            ? [component('ci95-low', '95% Wilson interval, lower bound', round(r.interval.low, 2), '%', '%'), component('ci95-high', '95% Wilson interval, upper bound', round(r.interval.high, 2), '%', '%')]
            : []),
        ],
      })),
    );
  }
  results.push(
    add((id): FhirObservation => ({
      ...base,
      id,
      code: codeOf(LOINC_CELLS_COUNTED, 'ndcTotal', 'Nucleated differential count total'),
      valueQuantity: { value: diff.ndcTotal, unit: 'cells', system: UCUM, code: '{cells}' },
    })),
  );
  const me = diff.meRatio;
  results.push(
    add((id): FhirObservation => ({
      ...base,
      id,
      code: codeOf(LOINC_ME_RATIO, 'meRatio', 'Myeloid:erythroid ratio'),
      ...(me.ratio === null ? { dataAbsentReason: NOT_APPLICABLE } : { valueRatio: { numerator: { value: round(me.ratio, 2) }, denominator: { value: 1 } } }),
      note: [{ text: `Convention: ${me.convention}; myeloid ${me.myeloid}, erythroid ${me.erythroid}.` }],
    })),
  );

  const conclusion = [
    `NDC ${diff.ndcTotal} cells; M:E ${me.display}.`,
    ...diff.flags.map((f) => f.message),
    model.final ? '' : 'DRAFT: not signed.',
    'Research use only; not validated for clinical diagnosis.',
  ].filter(Boolean).join(' ');
  add((id): FhirDiagnosticReport => ({
    resourceType: 'DiagnosticReport',
    id,
    ...(d?.caseNumber ? { identifier: [{ system: 'urn:marrowscope:case-number', value: d.caseNumber }] } : {}),
    status,
    category: [HEMATOLOGY],
    code: { coding: [{ system: LOINC, code: LOINC_BM_DIFFERENTIAL_PANEL.code, display: LOINC_BM_DIFFERENTIAL_PANEL.display }], text: 'Bone marrow aspirate differential count' },
    ...(subject ? { subject } : {}),
    effectiveDateTime: effective,
    issued,
    ...(interpreters.length ? { resultsInterpreter: interpreters } : {}),
    result: results.map((reference) => ({ reference })),
    conclusion,
  }));
  const bundle = {
    resourceType: 'Bundle' as const,
    id: randomUUID(),
    meta: { lastUpdated: model.generatedAt },
    type: 'collection' as const,
    timestamp: model.generatedAt,
    entry: entries,
  };
  return validate(fhirBundleSchema, bundle, 'fhirBundle') as FhirBundle;
}
