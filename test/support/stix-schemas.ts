/**
 * Test support: the OASIS STIX 2.1 JSON schemas (test/fixtures, copied
 * with their licence) compiled with ajv, and a check of one object or a bundle
 * against the schema of its type. Objects of the Liaison observables extension
 * are checked against the cyber-observable core, as STIX does for new SCOs.
 *
 * The OASIS bundle schema names only some types in its `oneOf`; an object of a
 * type it lacks (location, grouping, extension-definition) matches both of its
 * generic branches and fails that `oneOf`. So a bundle is checked as its
 * envelope against bundle.json (with the objects of the types it names) and
 * every object against the schema of its own type.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { StixBundle, StixObject } from '@liaison/stix';

const ROOT = join(__dirname, '../fixtures/oasis-stix2-json-schemas/schemas');

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function compiler(): Ajv2020 {
  if (ajv) return ajv;
  // The OASIS patterns use escapes (`\\-`) that unicode-mode RegExp refuses.
  const a = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(a);
  for (const dir of readdirSync(ROOT)) {
    for (const file of readdirSync(join(ROOT, dir))) {
      if (file.endsWith('.json'))
        a.addSchema(JSON.parse(readFileSync(join(ROOT, dir, file), 'utf8')) as object);
    }
  }
  return (ajv = a);
}

const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas';

function schemaIdFor(type: string): string {
  if (type === 'bundle') return `${BASE}/common/bundle.json`;
  if (type === 'marking-definition' || type === 'extension-definition')
    return `${BASE}/common/${type}.json`;
  for (const dir of ['sdos', 'sros', 'observables']) {
    try {
      readFileSync(join(ROOT, dir, `${type}.json`));
      return `${BASE}/${dir}/${type}.json`;
    } catch {
      // not in this directory
    }
  }
  return `${BASE}/common/cyber-observable-core.json`;
}

function bundleTypes(): ReadonlySet<string> {
  const text = readFileSync(join(ROOT, 'common/bundle.json'), 'utf8');
  return new Set(
    [
      ...text.matchAll(/"\$ref": "\.\.\/(?:sdos|sros|observables|common)\/([a-z0-9-]+)\.json"/g),
    ].map((m) => m[1]!),
  );
}

/** Schema errors of a bundle: its envelope, then each of its objects. */
export function stixBundleErrors(bundle: StixBundle): string[] {
  const named = bundleTypes();
  const envelope = { ...bundle, objects: bundle.objects.filter((o) => named.has(o.type)) };
  return [
    ...schemaErrors('bundle', envelope),
    ...bundle.objects.flatMap((o) => stixSchemaErrors(o).map((e) => `${o.id}: ${e}`)),
  ];
}

/** Schema errors of one object (empty when valid). */
export function stixSchemaErrors(object: StixObject): string[] {
  return schemaErrors(object.type, object);
}

function schemaErrors(type: string, object: unknown): string[] {
  const id = schemaIdFor(type);
  let validate = validators.get(id);
  if (!validate) {
    validate = compiler().getSchema(id);
    if (!validate) throw new Error(`no schema ${id}`);
    validators.set(id, validate);
  }
  return validate(object)
    ? []
    : (validate.errors ?? []).map((e) => `${type} ${e.instancePath} ${e.message ?? ''}`);
}
