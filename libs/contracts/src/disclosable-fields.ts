/**
 * The disclosable fields of a message schema, read from its `liaison.disclosable`
 * and `liaison.sensitivity` marks, and every path of the schema with its marks.
 * Paths follow the one disclosure path convention (`narrative`, `subjects[]`,
 * `subjects[].identity.fullName`; concrete paths use indices,
 * `subjects[0].identity`), defined with its parser in libs/crypto
 * `disclosure-paths.ts`; policy, crypto and the console depend on it.
 */
import {
  Attr,
  SENSITIVITIES,
  nullableInner,
  type RecordNode,
  type SchemaNode,
  type Sensitivity,
} from './schema-model';

export interface DisclosableField {
  /** Path in the convention above, e.g. `subjects[].identity.fullName`. */
  readonly path: string;
  readonly sensitivity: Sensitivity;
  /** The field's documentation from the schema. */
  readonly doc: string;
}

export interface SchemaPath {
  readonly path: string;
  readonly doc: string;
  readonly disclosable: boolean;
  readonly sensitivity: Sensitivity | undefined;
}

function sensitivityOf(attrs: Readonly<Record<string, unknown>>, where: string): Sensitivity {
  const value = attrs[Attr.sensitivity];
  if (!SENSITIVITIES.includes(value as Sensitivity)) {
    throw new Error(
      `schema: ${where} is disclosable but ${Attr.sensitivity} is ${JSON.stringify(value)}; expected one of ${SENSITIVITIES.join(', ')}`,
    );
  }
  return value as Sensitivity;
}

/**
 * Every path of a record schema, depth first in field order, with its marks.
 * An array field yields `field` and `field[]`; a nullable record is walked through.
 */
export function schemaPaths(root: RecordNode): SchemaPath[] {
  const out: SchemaPath[] = [];
  const visiting = new Set<string>();
  const descend = (node: SchemaNode, prefix: string, doc: string): void => {
    const inner = nullableInner(node) ?? node;
    if (inner.kind === 'record') {
      if (visiting.has(inner.fullName)) return; // recursive types: stop at the cycle
      visiting.add(inner.fullName);
      for (const field of inner.fields) {
        const path = prefix === '' ? field.name : `${prefix}.${field.name}`;
        const disclosable = field.attrs[Attr.disclosable] === true;
        out.push({
          path,
          doc: field.doc,
          disclosable,
          sensitivity: disclosable ? sensitivityOf(field.attrs, path) : undefined,
        });
        descend(field.type, path, field.doc);
      }
      visiting.delete(inner.fullName);
    } else if (inner.kind === 'array') {
      const path = `${prefix}[]`;
      const disclosable = inner.attrs[Attr.disclosable] === true;
      out.push({
        path,
        doc: `Each element of ${prefix}: ${doc}`,
        disclosable,
        sensitivity: disclosable ? sensitivityOf(inner.attrs, path) : undefined,
      });
      descend(inner.items, path, doc);
    }
  };
  descend(root, '', root.doc);
  return out;
}

/** The disclosable paths of a record schema, read from its `liaison.disclosable` marks. */
export function disclosableFieldsOf(root: RecordNode): DisclosableField[] {
  return schemaPaths(root)
    .filter((p) => p.disclosable)
    .map((p) => ({ path: p.path, sensitivity: p.sensitivity as Sensitivity, doc: p.doc }));
}

const CONCRETE_INDEX = /\[\d+\]/g;

/** `subjects[2].identity` -> `subjects[].identity`; other strings unchanged. */
export function schemaPathOf(concretePath: string): string {
  return concretePath.replace(CONCRETE_INDEX, '[]');
}
