/**
 * Avro Parsing Canonical Form and the CRC-64-AVRO fingerprint (Avro specification,
 * "Schema Fingerprints"), used as the schema id in single-object encoding.
 * avsc offers md5/sha256 fingerprints only, so the 64-bit Rabin fingerprint is here.
 */

const EMPTY = 0xc15d213aa4d7a795n;
const MASK = 0xffffffffffffffffn;

const TABLE: readonly bigint[] = (() => {
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
    table.push(fp & MASK);
  }
  return table;
})();

/** CRC-64-AVRO of the bytes, as an unsigned 64-bit bigint. */
export function crc64Avro(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const b of bytes) fp = (fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(b)) & 0xffn)] ?? 0n);
  return fp;
}

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

function qualify(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

/**
 * Parsing Canonical Form of a schema (PRIMITIVES, FULLNAMES, STRIP, ORDER, STRINGS,
 * WHITESPACE transformations). Logical types and custom attributes are stripped.
 */
export function parsingCanonicalForm(schema: unknown): string {
  const seen = new Set<string>();
  const canon = (s: unknown, ns: string | undefined): string => {
    if (typeof s === 'string') {
      return JSON.stringify(PRIMITIVES.has(s) ? s : qualify(s, ns));
    }
    if (Array.isArray(s)) return `[${s.map((b) => canon(b, ns)).join(',')}]`;
    if (typeof s !== 'object' || s === null) throw new Error('schema: not a valid Avro schema');
    const obj = s as Record<string, unknown>;
    const type = obj['type'];
    if (typeof type !== 'string') return canon(type, ns);
    if (PRIMITIVES.has(type)) return JSON.stringify(type);
    if (type === 'array') return `{"type":"array","items":${canon(obj['items'], ns)}}`;
    if (type === 'map') return `{"type":"map","values":${canon(obj['values'], ns)}}`;
    if (type !== 'record' && type !== 'error' && type !== 'enum' && type !== 'fixed') {
      return canon(type, ns);
    }
    const ownNs = typeof obj['namespace'] === 'string' ? obj['namespace'] : ns;
    const fullName = qualify(String(obj['name']), ownNs);
    if (seen.has(fullName)) return JSON.stringify(fullName);
    seen.add(fullName);
    const innerNs = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : ownNs;
    const head = `{"name":${JSON.stringify(fullName)},"type":${JSON.stringify(type === 'error' ? 'record' : type)}`;
    if (type === 'enum') return `${head},"symbols":${JSON.stringify(obj['symbols'])}}`;
    if (type === 'fixed') return `${head},"size":${String(obj['size'])}}`;
    const fields = (obj['fields'] as Array<Record<string, unknown>>).map(
      (f) => `{"name":${JSON.stringify(f['name'])},"type":${canon(f['type'], innerNs)}}`,
    );
    return `${head},"fields":[${fields.join(',')}]}`;
  };
  return canon(schema, undefined);
}

/** CRC-64-AVRO fingerprint of a schema's Parsing Canonical Form. */
export function schemaFingerprint(schema: unknown): bigint {
  return crc64Avro(Buffer.from(parsingCanonicalForm(schema), 'utf8'));
}
