/**
 * Can data written with one schema be read with another (Avro schema resolution)?
 * avsc's createResolver answers yes or no; this names the field that breaks it,
 * e.g. `Alert.urgencyLevel: new field without a default`, so a failing
 * evolution test says what to fix.
 */
import { buildSchemaModel, type SchemaNode } from './schema-model';

const PROMOTIONS: Readonly<Record<string, readonly string[]>> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

function label(node: SchemaNode): string {
  switch (node.kind) {
    case 'primitive':
      return node.name;
    case 'union':
      return `union of ${node.branches.map(label).join(', ')}`;
    case 'enum':
    case 'record':
    case 'fixed':
      return node.name;
    case 'array':
      return `array of ${label(node.items)}`;
    case 'map':
      return `map of ${label(node.values)}`;
  }
}

function check(
  reader: SchemaNode,
  writer: SchemaNode,
  path: string,
  out: string[],
  seen: Set<string>,
): void {
  if (writer.kind === 'union') {
    for (const branch of writer.branches) check(reader, branch, path, out, seen);
    return;
  }
  if (reader.kind === 'union') {
    const probes = reader.branches.map((b) => {
      const errs: string[] = [];
      check(b, writer, path, errs, new Set(seen));
      return errs;
    });
    if (!probes.some((e) => e.length === 0)) {
      out.push(`${path}: a written ${label(writer)} fits no branch of ${label(reader)}`);
    }
    return;
  }
  switch (reader.kind) {
    case 'primitive':
      if (writer.kind === 'primitive') {
        if (writer.name === reader.name) return;
        if (PROMOTIONS[writer.name]?.includes(reader.name)) return;
      }
      out.push(`${path}: type changed from ${label(writer)} to ${label(reader)}`);
      return;
    case 'enum': {
      if (writer.kind !== 'enum' || writer.name !== reader.name) {
        out.push(`${path}: type changed from ${label(writer)} to ${label(reader)}`);
        return;
      }
      const missing = writer.symbols.filter((s) => !reader.symbols.includes(s));
      if (missing.length > 0)
        out.push(`${path}: enum ${reader.name} lost symbols ${missing.join(', ')}`);
      return;
    }
    case 'fixed':
      if (writer.kind !== 'fixed' || writer.size !== reader.size || writer.name !== reader.name) {
        out.push(`${path}: type changed from ${label(writer)} to ${label(reader)}`);
      }
      return;
    case 'array':
      if (writer.kind !== 'array')
        out.push(`${path}: type changed from ${label(writer)} to ${label(reader)}`);
      else check(reader.items, writer.items, `${path}[]`, out, seen);
      return;
    case 'map':
      if (writer.kind !== 'map')
        out.push(`${path}: type changed from ${label(writer)} to ${label(reader)}`);
      else check(reader.values, writer.values, `${path}{}`, out, seen);
      return;
    case 'record': {
      if (writer.kind !== 'record' || writer.name !== reader.name) {
        out.push(`${path}: type changed from ${label(writer)} to ${label(reader)}`);
        return;
      }
      const key = `${reader.fullName}<-${writer.fullName}`;
      if (seen.has(key)) return;
      seen.add(key);
      for (const field of reader.fields) {
        const fieldPath = `${path}.${field.name}`;
        const written = writer.fields.find((f) => f.name === field.name);
        if (written === undefined) {
          if (!field.hasDefault) out.push(`${fieldPath}: new field without a default`);
          continue;
        }
        check(field.type, written.type, fieldPath, out, seen);
      }
      return;
    }
  }
}

/** Reasons why data written with `writerSchema` cannot be read with `readerSchema`; empty if it can. */
export function compatibilityErrors(readerSchema: unknown, writerSchema: unknown): string[] {
  const reader = buildSchemaModel(readerSchema);
  const writer = buildSchemaModel(writerSchema);
  const out: string[] = [];
  const root = reader.kind === 'record' ? reader.name : label(reader);
  check(reader, writer, root, out, new Set());
  return out;
}
