/**
 * Canonical JSON for hashed data (receipt leaves): object members sorted by
 * key (UTF-16 code units), no whitespace, numbers and strings as
 * JSON.stringify writes them. For the values Liaison hashes (strings, safe
 * integers, arrays, plain objects) this is RFC 8785 (JCS). Members whose value
 * is `undefined` are omitted, as JSON.stringify does; non-finite numbers and
 * non-JSON values are refused, so two parties can never hash different bytes
 * for the same receipt.
 */
import { cryptoError } from './crypto-error';

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw notCanonical('non-finite number');
      return JSON.stringify(value);
    case 'object': {
      // Array.from, not map: a sparse array's holes are refused, not written as nothing.
      if (Array.isArray(value)) return `[${Array.from(value, canonicalJson).join(',')}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      return `{${members.join(',')}}`;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      break;
  }
  throw notCanonical(`${typeof value} is not JSON`);
}

function notCanonical(reason: string): Error {
  return cryptoError('json.not-canonical', `cannot canonicalise: ${reason}`, 'invalid-input');
}
