/**
 * Reading the recipient's claims, which are untrusted JSON: only own
 * properties are read, only primitives are copied out, and objects written
 * from them are built with Object.fromEntries (own properties only), so no
 * name in a message can reach a prototype.
 */
export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function own(record: unknown, key: string): unknown {
  return isRecord(record) && Object.prototype.hasOwnProperty.call(record, key)
    ? record[key]
    : undefined;
}

export function text(record: unknown, key: string): string | undefined {
  const value = own(record, key);
  return typeof value === 'string' ? value : undefined;
}

export function num(record: unknown, key: string): number | undefined {
  const value = own(record, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function list(record: unknown, key: string): readonly unknown[] {
  const value = own(record, key);
  return Array.isArray(value) ? value : [];
}

export function texts(record: unknown, key: string): string[] {
  return list(record, key).filter((v): v is string => typeof v === 'string');
}

/** `issuedAt` → `issued_at`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** STIX has no null or empty-list properties: such a property is left out. */
function absent(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/**
 * A JSON value with every object key in snake_case, null members and empty
 * lists left out (as STIX requires); non-JSON values dropped.
 */
export function snakeCaseJson(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) return value.map(snakeCaseJson).filter((v) => !absent(v));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .map((k) => [snakeCase(k), snakeCaseJson(value[k])] as const)
        .filter(([, v]) => !absent(v)),
    );
  }
  return undefined;
}

/** An object without its null, undefined and empty-list members. */
export function defined(entries: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => !absent(v)));
}
