/**
 * The schemas at run time: parsed once from the embedded sources, cached.
 * Current versions, released versions and their fingerprints.
 */
import type { Type } from 'avsc';
import { DomainError } from '@liaison/errors';
import { schemaFingerprint } from './fingerprint';
import { SCHEMA_HISTORY, SCHEMA_NAMES, SCHEMA_SOURCES, type SchemaName } from './generated/schemas';
import { avroTypeFor } from './logical-types';
import { buildSchemaModel, type RecordNode } from './schema-model';

export interface SchemaVersion {
  readonly name: SchemaName;
  /** Released version number, or `'current'` for the working schema. */
  readonly version: number | 'current';
  readonly json: unknown;
  readonly fingerprint: bigint;
}

const jsonCache = new Map<SchemaName, unknown>();
const modelCache = new Map<SchemaName, RecordNode>();
const typeCache = new Map<SchemaName, Type>();

export function isSchemaName(name: string): name is SchemaName {
  return (SCHEMA_NAMES as readonly string[]).includes(name);
}

function assertSchemaName(name: string): asserts name is SchemaName {
  if (!isSchemaName(name)) {
    throw new DomainError(
      'contract.unknown-schema',
      `no schema named ${JSON.stringify(name)}`,
      'invalid-input',
      {
        known: SCHEMA_NAMES,
      },
    );
  }
}

/** The current self-contained schema JSON of a top-level schema (with custom attributes). */
export function schemaJson(name: SchemaName): unknown {
  assertSchemaName(name);
  let json = jsonCache.get(name);
  if (json === undefined) {
    json = JSON.parse(SCHEMA_SOURCES[name]) as unknown;
    jsonCache.set(name, json);
  }
  return json;
}

/** The schema model (fields, docs, marks) of a top-level schema. */
export function schemaModel(name: SchemaName): RecordNode {
  let model = modelCache.get(name);
  if (model === undefined) {
    model = buildSchemaModel(schemaJson(name)) as RecordNode;
    modelCache.set(name, model);
  }
  return model;
}

/** The avsc type of the current schema, with Liaison's logical types. */
export function avroType(name: SchemaName): Type {
  let type = typeCache.get(name);
  if (type === undefined) {
    type = avroTypeFor(schemaJson(name));
    typeCache.set(name, type);
  }
  return type;
}

/** Current and released versions of a schema, newest first. */
export function schemaVersions(name: SchemaName): SchemaVersion[] {
  assertSchemaName(name);
  const current = schemaJson(name);
  const released = Object.entries(SCHEMA_HISTORY[name])
    .map(([v, text]) => ({ version: Number(v), json: JSON.parse(text) as unknown }))
    .sort((a, b) => b.version - a.version);
  return [
    { name, version: 'current' as const, json: current, fingerprint: schemaFingerprint(current) },
    ...released.map((r) => ({ name, ...r, fingerprint: schemaFingerprint(r.json) })),
  ];
}
