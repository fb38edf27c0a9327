/**
 * A small, typed model of an Avro schema as written in `schemas/*.avsc`, custom
 * attributes included. avsc keeps only what it needs for binary encoding, so the
 * JSON form, the disclosure marks, the generated types and the docs all read
 * this model instead; one walker per concern, one source of truth.
 */

/** Custom schema attributes understood by Liaison. */
export const Attr = {
  /** On a field: the field's value may be withheld. On an array type: each element may be. */
  disclosable: 'liaison.disclosable',
  /** How sensitive a disclosable value is: see {@link Sensitivity}. */
  sensitivity: 'liaison.sensitivity',
  /** String format checked in the JSON form: agency-id, country, partial-date, hex. */
  format: 'liaison.format',
  /** `{ "<enum field>": ["SYMBOL", ...] }`: the field must be non-null / non-empty then. */
  requiredWhen: 'liaison.requiredWhen',
} as const;

export const SENSITIVITIES = ['subject-identity', 'personal', 'operational'] as const;
/**
 * subject-identity: identifies a subject; victim-sensitive when the subject's role is
 * VICTIM, minor-sensitive when `minor` is true. personal: other personal data.
 * operational: investigative detail with no direct personal data.
 */
export type Sensitivity = (typeof SENSITIVITIES)[number];

export const STRING_FORMATS = ['agency-id', 'country', 'partial-date', 'hex'] as const;
export type StringFormat = (typeof STRING_FORMATS)[number];

export type PrimitiveName =
  'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export interface PrimitiveNode {
  readonly kind: 'primitive';
  readonly name: PrimitiveName;
  readonly logicalType: string | undefined;
}
export interface EnumNode {
  readonly kind: 'enum';
  readonly name: string;
  readonly fullName: string;
  readonly doc: string;
  readonly symbols: readonly string[];
}
export interface FixedNode {
  readonly kind: 'fixed';
  readonly name: string;
  readonly fullName: string;
  readonly size: number;
}
export interface ArrayNode {
  readonly kind: 'array';
  readonly items: SchemaNode;
  readonly attrs: Readonly<Record<string, unknown>>;
}
export interface MapNode {
  readonly kind: 'map';
  readonly values: SchemaNode;
}
export interface UnionNode {
  readonly kind: 'union';
  readonly branches: readonly SchemaNode[];
}
export interface FieldNode {
  readonly name: string;
  readonly doc: string;
  readonly type: SchemaNode;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  readonly attrs: Readonly<Record<string, unknown>>;
}
export interface RecordNode {
  readonly kind: 'record';
  readonly name: string;
  readonly fullName: string;
  readonly doc: string;
  readonly fields: readonly FieldNode[];
}
export type NamedNode = RecordNode | EnumNode | FixedNode;
export type SchemaNode =
  PrimitiveNode | EnumNode | FixedNode | ArrayNode | MapNode | UnionNode | RecordNode;

const PRIMITIVES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);
const KNOWN_KEYS = new Set([
  'type',
  'name',
  'namespace',
  'doc',
  'fields',
  'symbols',
  'items',
  'values',
  'size',
  'logicalType',
  'aliases',
  'default',
  'order',
]);

export function isPrimitiveName(name: string): name is PrimitiveName {
  return PRIMITIVES.has(name);
}

function fullNameOf(name: string, namespace: string | undefined): string {
  if (name.includes('.') || namespace === undefined || namespace === '') return name;
  return `${namespace}.${name}`;
}

function shortName(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? fullName : fullName.slice(dot + 1);
}

function customAttrs(obj: Record<string, unknown>): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) if (!KNOWN_KEYS.has(key)) attrs[key] = value;
  return attrs;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`schema: ${where} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`schema: ${where} must be a string`);
  return value;
}

/**
 * Builds the model of one self-contained schema (named types defined before use,
 * as in a parsed .avsc with everything inlined). Throws on malformed schemas.
 */
export function buildSchemaModel(schema: unknown): SchemaNode {
  const named = new Map<string, NamedNode>();

  const walk = (s: unknown, namespace: string | undefined, where: string): SchemaNode => {
    if (typeof s === 'string') {
      if (isPrimitiveName(s)) return { kind: 'primitive', name: s, logicalType: undefined };
      const found = named.get(fullNameOf(s, namespace)) ?? named.get(s);
      if (found === undefined) throw new Error(`schema: ${where} references unknown type ${s}`);
      return found;
    }
    if (Array.isArray(s)) {
      return { kind: 'union', branches: s.map((b, i) => walk(b, namespace, `${where}[${i}]`)) };
    }
    const obj = asObject(s, where);
    const type = obj['type'];
    if (typeof type !== 'string') return walk(type, namespace, where);
    switch (type) {
      case 'record':
      case 'error': {
        const name = asString(obj['name'], `${where}.name`);
        const ns = typeof obj['namespace'] === 'string' ? obj['namespace'] : namespace;
        const fullName = fullNameOf(name, ns);
        const fieldsOut: FieldNode[] = [];
        const node: RecordNode = {
          kind: 'record',
          name: shortName(fullName),
          fullName,
          doc: typeof obj['doc'] === 'string' ? obj['doc'] : '',
          fields: fieldsOut,
        };
        named.set(fullName, node);
        const recordNs = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : ns;
        const fields = obj['fields'];
        if (!Array.isArray(fields)) throw new Error(`schema: ${fullName} has no fields array`);
        for (const [i, f] of fields.entries()) {
          const field = asObject(f, `${fullName}.fields[${i}]`);
          const fieldName = asString(field['name'], `${fullName}.fields[${i}].name`);
          fieldsOut.push({
            name: fieldName,
            doc: typeof field['doc'] === 'string' ? field['doc'] : '',
            type: walk(field['type'], recordNs, `${fullName}.${fieldName}`),
            hasDefault: 'default' in field,
            defaultValue: field['default'],
            attrs: customAttrs(field),
          });
        }
        return node;
      }
      case 'enum': {
        const ns = typeof obj['namespace'] === 'string' ? obj['namespace'] : namespace;
        const fullName = fullNameOf(asString(obj['name'], `${where}.name`), ns);
        const symbols = obj['symbols'];
        if (!Array.isArray(symbols) || !symbols.every((x) => typeof x === 'string')) {
          throw new Error(`schema: enum ${fullName} needs string symbols`);
        }
        const node: EnumNode = {
          kind: 'enum',
          name: shortName(fullName),
          fullName,
          doc: typeof obj['doc'] === 'string' ? obj['doc'] : '',
          symbols,
        };
        named.set(fullName, node);
        return node;
      }
      case 'fixed': {
        const ns = typeof obj['namespace'] === 'string' ? obj['namespace'] : namespace;
        const fullName = fullNameOf(asString(obj['name'], `${where}.name`), ns);
        const size = obj['size'];
        if (typeof size !== 'number') throw new Error(`schema: fixed ${fullName} needs a size`);
        const node: FixedNode = { kind: 'fixed', name: shortName(fullName), fullName, size };
        named.set(fullName, node);
        return node;
      }
      case 'array':
        return {
          kind: 'array',
          items: walk(obj['items'], namespace, `${where}[]`),
          attrs: customAttrs(obj),
        };
      case 'map':
        return { kind: 'map', values: walk(obj['values'], namespace, `${where}{}`) };
      default: {
        if (!isPrimitiveName(type)) return walk(type, namespace, where);
        const logicalType = typeof obj['logicalType'] === 'string' ? obj['logicalType'] : undefined;
        return { kind: 'primitive', name: type, logicalType };
      }
    }
  };

  return walk(schema, undefined, '(root)');
}

/** The non-null branch of a `["null", T]` union, or undefined when the node is not one. */
export function nullableInner(node: SchemaNode): SchemaNode | undefined {
  if (node.kind !== 'union' || node.branches.length !== 2) return undefined;
  const [a, b] = node.branches;
  if (a?.kind === 'primitive' && a.name === 'null') return b;
  if (b?.kind === 'primitive' && b.name === 'null') return a;
  return undefined;
}

/** Every named type reachable from a node, in first-use order. */
export function namedTypesOf(root: SchemaNode): NamedNode[] {
  const seen = new Set<string>();
  const out: NamedNode[] = [];
  const visit = (node: SchemaNode): void => {
    switch (node.kind) {
      case 'record':
      case 'enum':
      case 'fixed':
        if (seen.has(node.fullName)) return;
        seen.add(node.fullName);
        out.push(node);
        if (node.kind === 'record') for (const f of node.fields) visit(f.type);
        return;
      case 'array':
        return visit(node.items);
      case 'map':
        return visit(node.values);
      case 'union':
        for (const b of node.branches) visit(b);
        return;
      case 'primitive':
        return;
    }
  };
  visit(root);
  return out;
}
