/**
 * JSON Schemas (OpenAPI 3.1 component schemas) of the Avro contracts the API
 * carries as JSON: feed entries (Delivery, LinkNotice, CaseClockNotice, OnwardConsentNotice, as the
 * gateway decodes them) and the custodial JSON bodies (Alert, CaseNotice, in
 * their JSON form). Derived from the schema model, so the document follows the
 * .avsc files; pure.
 */
import { schemaModel, type SchemaName } from '@liaison/contracts';

export type JsonSchema = Record<string, unknown>;

/**
 * decoded: every field present (what avsc decodes, timestamps and uuids as strings);
 * json-form: fields with a default or a null branch may be absent (docs/schemas.md).
 */
export type AvroJsonMode = 'decoded' | 'json-form';

type RecordNode = ReturnType<typeof schemaModel>;
type TypeNode = RecordNode['fields'][number]['type'];

const FORMATS: Readonly<Record<string, JsonSchema>> = {
  'agency-id': { pattern: '^[a-z0-9][a-z0-9-]{1,62}$' },
  country: { pattern: '^[A-Z]{2}$' },
  'partial-date': { pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$' },
  hex: { pattern: '^[0-9a-f]*$' },
};

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

function isNull(node: TypeNode): boolean {
  return node.kind === 'primitive' && node.name === 'null';
}

/** The schema of one Avro type node; named types are collected into `out` and referenced. */
function fieldSchemaOf(
  node: TypeNode,
  out: Map<string, JsonSchema>,
  mode: AvroJsonMode,
): JsonSchema {
  switch (node.kind) {
    case 'primitive':
      switch (node.name) {
        case 'null':
          return { type: 'null' };
        case 'boolean':
          return { type: 'boolean' };
        case 'int':
          return { type: 'integer', format: 'int32' };
        case 'long':
          return node.logicalType === 'timestamp-millis'
            ? { type: 'string', format: 'date-time' }
            : { type: 'integer', format: 'int64' };
        case 'float':
        case 'double':
          return { type: 'number' };
        case 'bytes':
          return { type: 'string', contentEncoding: 'base64' };
        case 'string':
          return node.logicalType === 'uuid'
            ? { type: 'string', format: 'uuid' }
            : { type: 'string' };
      }
      break;
    case 'enum':
      if (!out.has(node.name)) {
        out.set(node.name, {
          type: 'string',
          enum: [...node.symbols],
          ...(node.doc ? { description: node.doc } : {}),
        });
      }
      return ref(node.name);
    case 'fixed':
      return { type: 'string', description: `${node.size} bytes` };
    case 'array':
      return { type: 'array', items: fieldSchemaOf(node.items, out, mode) };
    case 'map':
      return { type: 'object', additionalProperties: fieldSchemaOf(node.values, out, mode) };
    case 'union': {
      const branches = node.branches.filter((b) => !isNull(b));
      const nullable = branches.length < node.branches.length;
      const schemas = branches.map((b) => fieldSchemaOf(b, out, mode));
      const [only] = schemas;
      if (schemas.length === 1 && only !== undefined) {
        return nullable ? { oneOf: [only, { type: 'null' }] } : only;
      }
      return { oneOf: nullable ? [...schemas, { type: 'null' }] : schemas };
    }
    case 'record':
      recordSchemaOf(node, out, mode);
      return ref(node.name);
  }
  throw new Error('no JSON Schema for this Avro node');
}

function recordSchemaOf(node: RecordNode, out: Map<string, JsonSchema>, mode: AvroJsonMode): void {
  if (out.has(node.name)) return;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  out.set(node.name, {}); // placeholder: a recursive type refers to itself
  for (const field of node.fields) {
    const schema = fieldSchemaOf(field.type, out, mode);
    const format = field.attrs['liaison.format'];
    const formatted =
      typeof format === 'string' && FORMATS[format] && schema.type === 'string'
        ? { ...schema, ...FORMATS[format] }
        : schema;
    // OpenAPI 3.1: siblings of $ref are allowed; a description beside it documents the field.
    properties[field.name] = field.doc ? { ...formatted, description: field.doc } : formatted;
    const optional =
      mode === 'json-form' &&
      (field.hasDefault || (field.type.kind === 'union' && field.type.branches.some(isNull)));
    if (!optional) required.push(field.name);
  }
  out.set(node.name, {
    type: 'object',
    ...(node.doc ? { description: node.doc } : {}),
    properties,
    required,
  });
}

/**
 * The component schemas of the given top-level contracts, each named as in its
 * .avsc, with the named types they use. A name used twice with different shapes
 * (one type in both modes) is refused rather than silently merged.
 */
export function avroJsonSchemas(
  roots: readonly { readonly name: SchemaName; readonly mode: AvroJsonMode }[],
): Record<string, JsonSchema> {
  const all = new Map<string, JsonSchema>();
  for (const { name, mode } of roots) {
    const out = new Map<string, JsonSchema>();
    recordSchemaOf(schemaModel(name), out, mode);
    for (const [key, schema] of out) {
      const seen = all.get(key);
      if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(schema))
        throw new Error(`Avro type ${key} has two JSON shapes (decoded and json-form)`);
      all.set(key, schema);
    }
  }
  return Object.fromEntries(all);
}
