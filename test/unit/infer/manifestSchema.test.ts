import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../../electron/core/paths.js';
import { ModelManifestSchema } from '../../../electron/core/infer/ModelManifest.js';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
}

// Unwraps zod wrappers (optional, effects) down to the object/array schema underneath.
function unwrap(s: z.ZodType): { schema: z.ZodType; optional: boolean } {
  let cur = s as z.ZodType & { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } };
  let optional = false;
  for (;;) {
    if (cur.def.type === 'optional') optional = true;
    const inner = cur.def.innerType ?? (cur.def.type === 'pipe' ? cur.def.in : undefined);
    if (!inner) return { schema: cur, optional };
    cur = inner as typeof cur;
  }
}

function compare(json: JsonSchema, zod: z.ZodType, path: string): void {
  const { schema } = unwrap(zod);
  if (json.properties) {
    assert.ok(schema instanceof z.ZodObject, `${path} should be a zod object`);
    const shape = schema.shape as Record<string, z.ZodType>;
    assert.deepEqual(Object.keys(shape).sort(), Object.keys(json.properties).sort(), `${path}: zod keys vs JSON-schema properties`);
    const required = new Set(json.required ?? []);
    for (const [key, sub] of Object.entries(json.properties)) {
      assert.equal(!unwrap(shape[key]!).optional, required.has(key), `${path}.${key}: required in one schema only`);
      compare(sub, shape[key]!, `${path}.${key}`);
    }
    // additionalProperties: false ↔ strict object (unknown keys rejected).
    const strict = schema.safeParse({ ...Object.fromEntries([...required].map((k) => [k, undefined])), __unknown__: 1 });
    if (json.additionalProperties === false) assert.ok(!strict.success && strict.error.issues.some((i) => i.code === 'unrecognized_keys'), `${path} should be strict`);
  } else if (json.type === 'array' && json.items?.properties) {
    assert.ok(schema instanceof z.ZodArray, `${path} should be a zod array`);
    compare(json.items, schema.element as z.ZodType, `${path}[]`);
  }
}

test('the zod manifest schema mirrors models/manifest.schema.json (keys, required, strictness)', () => {
  const json = JSON.parse(readFileSync(join(projectRoot(), 'models', 'manifest.schema.json'), 'utf8')) as JsonSchema;
  compare(json, ModelManifestSchema, 'manifest');
});
