import { z } from 'zod';

// Mirrors models/manifest.schema.json field for field (test/unit/infer/manifestSchema.test.ts keeps
// the two in step): strict objects where the JSON schema says additionalProperties: false.

const hex64 = /^[0-9a-f]{64}$/;

const memberSchema = z.strictObject({
  file: z.string().regex(/^[A-Za-z0-9._-]+\.onnx$/, 'Expected a bare file name ending in .onnx (no directories)'),
  sha256: z.string().regex(hex64, 'Expected 64 lower-case hex digits'),
  cycle: z.number().int().min(1).optional(),
  validation: z.record(z.string(), z.unknown()).optional(),
});

const rgb = z.tuple([z.number(), z.number(), z.number()]);

const inputSchema = z.strictObject({
  name: z.string(),
  size: z.number().int().min(8),
  micronsPerPixel: z.number().gt(0),
  channelOrder: z.enum(['RGB', 'BGR']),
  layout: z.literal('NCHW'),
  scale: z.number().gt(0),
  mean: rgb,
  std: z.tuple([z.number().gt(0), z.number().gt(0), z.number().gt(0)]),
  padValue: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]).optional(),
});

const classSchema = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9]*$/, 'Expected an upper-case code such as M6 or PL3'),
  name: z.string().min(1),
  countsInDifferential: z.boolean(),
  sourceLabels: z.array(z.string()).optional(),
});

/** zod schema of models/manifest.json (schemaVersion 1), plus the cross-field rules JSON schema cannot say. */
export const ModelManifestSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    name: z.string().min(1),
    version: z.string().min(1),
    architecture: z.string().min(1),
    members: z.array(memberSchema).min(1),
    input: inputSchema,
    output: z.strictObject({ name: z.string(), kind: z.literal('logits') }),
    classes: z.array(classSchema).min(2),
    aggregation: z.literal('mean-of-calibrated-probabilities'),
    calibration: z.strictObject({
      method: z.literal('temperature'),
      temperature: z.number().gt(0),
      fittedOn: z.string().optional(),
    }),
    training: z.looseObject({
      dataset: z.string(),
      licence: z.string(),
      attribution: z.string(),
      split: z.record(z.string(), z.unknown()).optional(),
      recipe: z.string().optional(),
      command: z.string().optional(),
      trainedAt: z.string().optional(),
      hardware: z.string().optional(),
    }),
  })
  .superRefine((m, ctx) => {
    // Duplicate codes would make two output columns indistinguishable downstream; a duplicate
    // member file would silently weight one snapshot twice.
    const flagDuplicates = (values: readonly string[], list: 'classes' | 'members', key: 'code' | 'file', what: string) => {
      const seen = new Map<string, number>();
      values.forEach((v, i) => {
        const first = seen.get(v);
        if (first === undefined) seen.set(v, i);
        else ctx.addIssue({ code: 'custom', path: [list, i, key], message: `Duplicate ${what} "${v}" (also ${list}.${first}.${key})` });
      });
    };
    flagDuplicates(m.classes.map((c) => c.code), 'classes', 'code', 'class code');
    flagDuplicates(m.members.map((x) => x.file), 'members', 'file', 'member file');
  });

/** A validated ensemble manifest (models/manifest.json). */
export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/** The input section of a manifest: how crops become the model's input tensor. */
export type ModelInputSpec = ModelManifest['input'];
