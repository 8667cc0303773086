import { z } from 'zod';
import { BLAST_DEFINITIONS } from '../domain/differential/BlastDefinition.js';
import { isCellClassCode } from '../domain/taxonomy.js';
import { idSchema } from './ids.js';

/**
 * Runtime schemas of every request payload. Hosts validate with these before anything else runs,
 * so a malformed call fails with VALIDATION_FAILED naming the exact field.
 */

const int0 = z.number().int().min(0);
const finite = z.number().refine(Number.isFinite, { error: 'Expected a finite number' });

/** Any class code of the taxonomy (DEFER included). */
export const cellClassCodeSchema = z.string().refine(isCellClassCode, { error: 'Expected a cell class code of the taxonomy' });

/** An axis-aligned rectangle in level-0 px with a positive size. */
export const rectSchema = z.object({ x: finite, y: finite, width: z.number().positive(), height: z.number().positive() });

const pointSchema = z.object({ x: finite, y: finite });

/** No payload. */
export const emptySchema = z.object({}).strict();

export const listSlidesSchema = z.object({ caseId: z.string().min(1).max(200).optional() }).strict();

export const browseFilesSchema = z.object({ path: z.string().min(1).max(4096).optional() }).strict();

export const openSlideSchema = z.object({ path: z.string().min(1).max(4096) }).strict();

export const slideRefSchema = z.object({ slideId: idSchema }).strict();

export const proposeRegionsSchema = z.object({ slideId: idSchema, limit: z.number().int().min(1).max(200).optional() }).strict();

/** A region to analyse: drawn by the user or taken from a proposal. */
export const regionInputSchema = z
  .object({
    source: z.enum(['manual', 'proposed']),
    rect: rectSchema,
    /** Optional outline inside `rect` (level-0 px, ≥ 3 points); the rectangle is used when absent. */
    polygon: z.array(pointSchema).min(3).max(10_000).optional(),
    /** The proposal's score, kept with the region for provenance. */
    score: finite.optional(),
    proposalId: z.string().max(200).optional(),
  })
  .strict();

export const startAnalysisSchema = z
  .object({
    slideId: idSchema,
    regions: z.array(regionInputSchema).min(1, { error: 'Expected at least one region' }).max(500),
  })
  .strict();

export const runRefSchema = z.object({ runId: idSchema }).strict();

/** Which cells a listing returns. */
export const cellFiltersSchema = z
  .object({
    codes: z.array(cellClassCodeSchema).max(64).optional(),
    reviewed: z.enum(['any', 'reviewed', 'unreviewed']).optional(),
    uncertainty: z
      .object({ min: z.number().min(0).max(1).optional(), max: z.number().min(0).max(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

export const listCellsSchema = z
  .object({
    runId: idSchema,
    filters: cellFiltersSchema.optional(),
    /** Only cells whose centroid lies inside (level-0 px): what the viewer shows. */
    bounds: rectSchema.optional(),
    order: z.enum(['uncertain-first', 'position']).optional(),
    limit: z.number().int().min(1).max(20_000).optional(),
    offset: int0.optional(),
  })
  .strict();

export const cellRefSchema = z.object({ cellId: idSchema }).strict();

const cellIdsSchema = z.array(idSchema).min(1, { error: 'Expected at least one cell' }).max(20_000);

/** The laboratory's counting conventions for a differential. */
export const differentialOptionsSchema = z
  .object({
    blastDefinition: z.enum(Object.keys(BLAST_DEFINITIONS) as [keyof typeof BLAST_DEFINITIONS, ...(keyof typeof BLAST_DEFINITIONS)[]]).optional(),
    meConvention: z.enum(['icsh-with-monocytes', 'without-monocytes']).optional(),
  })
  .strict();

/**
 * Review writes may ask, in the same answer, for the differential after the write and for the
 * detail of the cell the page focuses next: one round trip per keystroke.
 */
const withAnswerExtras = { differential: differentialOptionsSchema.optional(), detailOf: idSchema.optional() };

export const reclassifySchema = z.object({ runId: idSchema, cellIds: cellIdsSchema, code: cellClassCodeSchema, ...withAnswerExtras }).strict();

export const cellsActionSchema = z.object({ runId: idSchema, cellIds: cellIdsSchema, ...withAnswerExtras }).strict();

export const reviewStepSchema = z.object({ runId: idSchema, ...withAnswerExtras }).strict();

export const differentialSchema = differentialOptionsSchema.extend({ runId: idSchema }).strict();

/** Counting conventions as the schema accepts them. */
export type DifferentialOptionsInput = z.infer<typeof differentialOptionsSchema>;

/** Filters as the schema accepts them. */
export type CellFilters = z.infer<typeof cellFiltersSchema>;
/** A region as startAnalysis accepts it. */
export type RegionInput = z.infer<typeof regionInputSchema>;

// ---------------------------------------------------------------- sign-off, reports, audit

const text = (max: number) => z.string().trim().min(1).max(max);
/** A password as typed: never trimmed (spaces count), never logged; the host checks it against a scrypt hash. */
const passwordSchema = z.string().min(1).max(1024);
const signerFields = { initials: text(10), password: passwordSchema };

export const addReviewerSchema = z.object({ name: text(200), initials: text(10), role: text(200), password: passwordSchema }).strict();

const detailText = text(500).nullable().optional();
export const setCaseDetailsSchema = z
  .object({
    caseNumber: detailText,
    patientId: detailText,
    patientName: detailText,
    birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Expected a date as YYYY-MM-DD' }).nullable().optional(),
    specimen: detailText,
    clinician: detailText,
  })
  .strict();

export const signReportSchema = differentialOptionsSchema
  .extend({
    runId: idSchema,
    ...signerFields,
    meaning: z.enum(['reviewed', 'approved']),
    /** Required (non-empty) when cells are deferred: why signing may proceed anyway. */
    overrideReason: text(2000).optional(),
  })
  .strict();

export const secondSignSchema = z
  .object({
    runId: idSchema,
    ...signerFields,
    meaning: z.enum(['reviewed', 'approved']),
    disagreements: z
      .array(z.object({ cellId: idSchema, code: cellClassCodeSchema, note: text(2000).optional() }).strict())
      .max(20_000)
      .optional(),
  })
  .strict();

export const amendReportSchema = z.object({ runId: idSchema, ...signerFields, reason: text(2000) }).strict();

export const previewReportSchema = differentialOptionsSchema.extend({ runId: idSchema, draft: z.boolean() }).strict();

/** A file name without folders (the host adds the format's extension when it is missing). */
const fileNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((n) => !/[/\\\0]/.test(n) && n !== '.' && n !== '..', { error: 'Expected a file name without folders' });

export const exportReportSchema = differentialOptionsSchema
  .extend({
    runId: idSchema,
    format: z.enum(['pdf', 'csv', 'fhir', 'geojson', 'bundle']),
    /** A draft may be exported from an unsigned case (marked DRAFT); a final export needs a verified signature. */
    draft: z.boolean(),
    /** Absolute folder to write into (created when missing); default: "reports" beside the case file. */
    directory: z.string().min(1).max(4096).optional(),
    fileName: fileNameSchema.optional(),
  })
  .strict();

export const auditTrailSchema = z
  .object({
    cellId: idSchema.optional(),
    /** Only actions starting with this, e.g. "signoff." or "review.". */
    actionPrefix: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(5000).optional(),
  })
  .strict();
