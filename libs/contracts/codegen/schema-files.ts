/**
 * Reads `schemas/`: shared named types in `schemas/shared/*.avsc`, one top-level
 * schema per `schemas/*.avsc`, released versions in `schemas/history/<Name>/v<N>.avsc`.
 * Top-level schemas reference shared types by name; this inlines them (first use
 * defines, later uses name) into the self-contained form Avro tools expect.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';

const PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SchemaSet {
  /** Top-level schema name -> self-contained schema JSON, in file-name order. */
  readonly current: ReadonlyMap<string, Json>;
  /** Top-level schema name -> version number -> released self-contained schema JSON. */
  readonly history: ReadonlyMap<string, ReadonlyMap<number, Json>>;
}

function readJson(file: string): Json {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function avscFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .sort()
    .map((f) => join(dir, f));
}

function qualify(name: string, ns: string | undefined): string {
  return name.includes('.') || !ns ? name : `${ns}.${name}`;
}

function isObject(v: Json): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Inlines shared definitions into one top-level schema. */
export function inlineSchema(top: Json, shared: ReadonlyMap<string, Json>, where: string): Json {
  const defined = new Set<string>();
  const walk = (s: Json, ns: string | undefined): Json => {
    if (typeof s === 'string') {
      if (PRIMITIVES.has(s)) return s;
      const full = qualify(s, ns);
      if (defined.has(full)) return s;
      const def = shared.get(full);
      if (def === undefined) throw new Error(`${where}: unknown type ${s} (looked for ${full})`);
      return walk(def, ns);
    }
    if (Array.isArray(s)) return s.map((b) => walk(b, ns));
    if (!isObject(s)) return s;
    const type = s['type'];
    if (typeof type !== 'string') return { ...s, type: walk(type ?? null, ns) };
    if (NAMED.has(type)) {
      const ownNs = typeof s['namespace'] === 'string' ? s['namespace'] : ns;
      const full = qualify(typeof s['name'] === 'string' ? s['name'] : '', ownNs);
      if (defined.has(full)) throw new Error(`${where}: ${full} is defined twice`);
      defined.add(full);
      if (type === 'enum' || type === 'fixed') return s;
      const fields = s['fields'];
      if (!Array.isArray(fields)) throw new Error(`${where}: ${full} has no fields`);
      return {
        ...s,
        fields: fields.map((f) =>
          isObject(f) ? { ...f, type: walk(f['type'] ?? null, ownNs) } : f,
        ),
      };
    }
    if (type === 'array') return { ...s, items: walk(s['items'] ?? null, ns) };
    if (type === 'map') return { ...s, values: walk(s['values'] ?? null, ns) };
    return s;
  };
  return walk(top, undefined);
}

export function loadSchemaSet(schemasDir: string): SchemaSet {
  const shared = new Map<string, Json>();
  for (const file of avscFiles(join(schemasDir, 'shared'))) {
    const json = readJson(file);
    if (!isObject(json) || typeof json['name'] !== 'string') {
      throw new Error(`${file}: a shared schema must be one named type`);
    }
    const ns = typeof json['namespace'] === 'string' ? json['namespace'] : undefined;
    shared.set(qualify(json['name'], ns), json);
  }
  const current = new Map<string, Json>();
  for (const file of avscFiles(schemasDir)) {
    const name = basename(file, '.avsc');
    current.set(name, inlineSchema(readJson(file), shared, file));
  }
  const history = new Map<string, Map<number, Json>>();
  const historyDir = join(schemasDir, 'history');
  if (existsSync(historyDir)) {
    for (const name of readdirSync(historyDir).sort()) {
      const versions = new Map<number, Json>();
      for (const file of avscFiles(join(historyDir, name))) {
        const match = /^v(\d+)\.avsc$/.exec(basename(file));
        if (match === null) throw new Error(`${file}: history files are named v<N>.avsc`);
        versions.set(Number(match[1]), readJson(file));
      }
      history.set(name, new Map([...versions.entries()].sort((a, b) => a[0] - b[0])));
    }
  }
  return { current, history };
}
