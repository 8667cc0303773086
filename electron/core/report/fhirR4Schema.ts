import { z } from 'zod';

/**
 * The subset of FHIR R4 that Marrowscope emits, as zod schemas: the structure and cardinalities of
 * Bundle (collection), Patient, Practitioner, Observation and DiagnosticReport elements we use
 * (required elements, value sets of status codes, primitive formats). `reportToFhir` checks its
 * own output with it before returning; the tests also validate against the official R4 JSON schema.
 */
const id = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const uri = z.string().regex(/^\S+$/);
const code = z.string().regex(/^[^\s]+( [^\s]+)*$/);
const dateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
const instant = dateTime;
const date = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/);
const coding = z.object({ system: uri, code, display: z.string().min(1).optional() }).strict();
const codeableConcept = z.object({ coding: z.array(coding).min(1).optional(), text: z.string().min(1).optional() }).strict();
const reference = z.object({ reference: z.string().min(1), display: z.string().min(1).optional() }).strict();
const quantity = z.object({ value: z.number().finite(), unit: z.string().min(1), system: uri, code }).strict();
const identifier = z.object({ system: uri.optional(), value: z.string().min(1) }).strict();

export const fhirPatientSchema = z
  .object({
    resourceType: z.literal('Patient'),
    id,
    identifier: z.array(identifier).min(1).optional(),
    name: z.array(z.object({ text: z.string().min(1) }).strict()).min(1).optional(),
    birthDate: date.optional(),
  })
  .strict();

export const fhirPractitionerSchema = z
  .object({
    resourceType: z.literal('Practitioner'),
    id,
    identifier: z.array(identifier).min(1).optional(),
    name: z.array(z.object({ text: z.string().min(1) }).strict()).min(1),
  })
  .strict();

const component = z
  .object({
    code: codeableConcept,
    valueQuantity: quantity.optional(),
  })
  .strict();

export const fhirObservationSchema = z
  .object({
    resourceType: z.literal('Observation'),
    id,
    status: z.enum(['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown']),
    category: z.array(codeableConcept).min(1),
    code: codeableConcept,
    subject: reference.optional(),
    effectiveDateTime: dateTime.optional(),
    issued: instant.optional(),
    performer: z.array(reference).optional(),
    valueQuantity: quantity.optional(),
    valueRatio: z.object({ numerator: z.object({ value: z.number().finite() }).strict(), denominator: z.object({ value: z.number().finite() }).strict() }).strict().optional(),
    dataAbsentReason: codeableConcept.optional(),
    method: codeableConcept.optional(),
    note: z.array(z.object({ text: z.string().min(1) }).strict()).optional(),
    component: z.array(component).optional(),
  })
  .strict()
  // obs-6: dataAbsentReason SHALL only be present if value[x] is not present.
  .refine((o) => (o.dataAbsentReason === undefined) !== (o.valueQuantity === undefined && o.valueRatio === undefined), { message: 'Expected exactly one of a value or a dataAbsentReason (obs-6)' });

export const fhirDiagnosticReportSchema = z
  .object({
    resourceType: z.literal('DiagnosticReport'),
    id,
    identifier: z.array(identifier).optional(),
    status: z.enum(['registered', 'partial', 'preliminary', 'final', 'amended', 'corrected', 'appended', 'cancelled', 'entered-in-error', 'unknown']),
    category: z.array(codeableConcept).min(1),
    code: codeableConcept,
    subject: reference.optional(),
    effectiveDateTime: dateTime.optional(),
    issued: instant.optional(),
    performer: z.array(reference).optional(),
    resultsInterpreter: z.array(reference).optional(),
    result: z.array(reference).min(1),
    conclusion: z.string().min(1).optional(),
  })
  .strict();

const resource = z.union([fhirPatientSchema, fhirPractitionerSchema, fhirObservationSchema, fhirDiagnosticReportSchema]);

export const fhirBundleSchema = z
  .object({
    resourceType: z.literal('Bundle'),
    id,
    meta: z.object({ lastUpdated: instant }).strict().optional(),
    identifier: identifier.optional(),
    type: z.literal('collection'),
    timestamp: instant,
    entry: z.array(z.object({ fullUrl: uri, resource }).strict()).min(2),
  })
  .strict()
  .superRefine((b, ctx) => {
    // Every reference must resolve to an entry of the bundle (bdl-7: fullUrls unique).
    const urls = new Set<string>();
    for (const e of b.entry) {
      if (urls.has(e.fullUrl)) ctx.addIssue({ code: 'custom', message: `Expected unique fullUrl but ${e.fullUrl} repeats (bdl-7)` });
      urls.add(e.fullUrl);
    }
    const refs = JSON.stringify(b.entry).match(/"reference":"[^"]+"/g) ?? [];
    for (const r of refs) {
      const target = r.slice('"reference":"'.length, -1);
      if (!urls.has(target)) ctx.addIssue({ code: 'custom', message: `Expected ${target} to be an entry of the bundle` });
    }
    if (b.entry.filter((e) => e.resource.resourceType === 'DiagnosticReport').length !== 1) ctx.addIssue({ code: 'custom', message: 'Expected exactly one DiagnosticReport' });
  });

/** A FHIR R4 Bundle as emitted (zod-inferred). */
export type FhirBundle = z.infer<typeof fhirBundleSchema>;
/** A FHIR R4 Observation as emitted. */
export type FhirObservation = z.infer<typeof fhirObservationSchema>;
/** A FHIR R4 DiagnosticReport as emitted. */
export type FhirDiagnosticReport = z.infer<typeof fhirDiagnosticReportSchema>;
