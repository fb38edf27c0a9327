/**
 * The JSON form of a message: what travels inside the SD-JWT and over HTTP.
 * Plain JSON, timestamps as ISO-8601 strings, nullable fields null or absent,
 * no Avro union wrappers. Validation walks the schema model and names every
 * broken rule by path, e.g. `subjects[0].role: must be one of VICTIM, SUSPECT, WITNESS`.
 */
import { DomainError } from '@liaison/errors';
import { ContractErrorCode } from './errors';
import type { SchemaName } from './generated/schemas';
import {
  AlertTypeValues,
  type Alert,
  type CaseNotice,
  type MessageKind,
  type SchemaTypeMap,
} from './generated/types';
import { isoToMillis, millisToIso, UUID_PATTERN } from './logical-types';
import { schemaModel } from './registry';
import {
  Attr,
  nullableInner,
  type EnumNode,
  type FieldNode,
  type SchemaNode,
} from './schema-model';

export type Message = Alert | CaseNotice;

/** The message type carried by each kind. */
export interface MessageByKind {
  ALERT: Alert;
  CASE_NOTICE: CaseNotice;
}

/** The schema of each message kind. */
export const MESSAGE_SCHEMA: Readonly<Record<MessageKind, 'Alert' | 'CaseNotice'>> = {
  ALERT: 'Alert',
  CASE_NOTICE: 'CaseNotice',
};

export interface JsonFormOptions {
  /** What to do with properties the schema does not declare. Default `reject`. */
  readonly unknownFields?: 'reject' | 'strip';
}

export interface ToJsonOptions {
  /** Leave null fields out instead of writing `null`. Default false. */
  readonly omitNulls?: boolean;
}

const MAX_ERRORS = 50;

const FORMATS: Readonly<Record<string, { test: (s: string) => boolean; rule: string }>> = {
  'agency-id': {
    test: (s) => /^[a-z0-9][a-z0-9-]{1,62}$/.test(s),
    rule: 'must be an agency id (lowercase, e.g. nl-knp)',
  },
  country: {
    test: (s) => /^[A-Z]{2}$/.test(s),
    rule: 'must be an ISO 3166-1 alpha-2 country code (e.g. NL)',
  },
  'partial-date': {
    test: (s) => {
      const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s);
      if (m === null) return false;
      const month = m[2] === undefined ? 1 : Number(m[2]);
      const day = m[3] === undefined ? 1 : Number(m[3]);
      const d = new Date(Date.UTC(Number(m[1]), month - 1, day));
      return month >= 1 && month <= 12 && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
    },
    rule: 'must be an ISO-8601 date YYYY, YYYY-MM or YYYY-MM-DD',
  },
  hex: { test: (s) => /^(?:[0-9a-f]{2})+$/.test(s), rule: 'must be lowercase hex' },
};

type Mode = 'parse' | 'serialize';

/**
 * How a person writes an enum symbol that Avro cannot spell: TLP 2.0 writes
 * `AMBER+STRICT`, an Avro symbol cannot hold `+`. Input accepts either spelling;
 * errors name the person's.
 */
const SPELLINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Tlp: { AMBER_STRICT: 'AMBER+STRICT' },
};

function spellingOf(node: EnumNode, symbol: string): string {
  return SPELLINGS[node.name]?.[symbol] ?? symbol;
}

function symbolOfSpelling(node: EnumNode, spelling: string): string | undefined {
  const entries = Object.entries(SPELLINGS[node.name] ?? {});
  return entries.find(([, written]) => written === spelling)?.[0];
}

class Walker {
  readonly errors: string[] = [];
  constructor(
    private readonly mode: Mode,
    private readonly unknownFields: 'reject' | 'strip',
    private readonly omitNulls: boolean,
  ) {}

  private fail(path: string, rule: string): undefined {
    if (this.errors.length < MAX_ERRORS) this.errors.push(`${path || '(root)'}: ${rule}`);
    return undefined;
  }

  value(node: SchemaNode, value: unknown, path: string, format: string | undefined): unknown {
    switch (node.kind) {
      case 'primitive':
        return this.primitive(node.name, node.logicalType, value, path, format);
      case 'enum': {
        if (typeof value === 'string' && node.symbols.includes(value)) return value;
        const symbol = typeof value === 'string' ? symbolOfSpelling(node, value) : undefined;
        if (this.mode === 'parse' && symbol !== undefined) return symbol;
        return this.fail(
          path,
          `must be one of ${node.symbols.map((s) => spellingOf(node, s)).join(', ')}`,
        );
      }
      case 'fixed':
        if (Buffer.isBuffer(value) && value.length === node.size) return value;
        return this.fail(path, `must be ${node.size} bytes`);
      case 'array': {
        if (!Array.isArray(value)) return this.fail(path, 'must be an array');
        return value.map((item, i) => this.value(node.items, item, `${path}[${i}]`, format));
      }
      case 'map': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          return this.fail(path, 'must be an object');
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value))
          out[k] = this.value(node.values, v, `${path}.${k}`, format);
        return out;
      }
      case 'union': {
        const inner = nullableInner(node);
        if (value === null || value === undefined) {
          if (
            inner !== undefined ||
            node.branches.some((b) => b.kind === 'primitive' && b.name === 'null')
          ) {
            return null;
          }
          return this.fail(path, 'must not be null');
        }
        if (inner !== undefined) return this.value(inner, value, path, format);
        for (const branch of node.branches) {
          const probe = new Walker(this.mode, this.unknownFields, this.omitNulls);
          const out = probe.value(branch, value, path, format);
          if (probe.errors.length === 0) return out;
        }
        return this.fail(path, 'matches no branch of the union');
      }
      case 'record': {
        if (
          typeof value !== 'object' ||
          value === null ||
          Array.isArray(value) ||
          Buffer.isBuffer(value)
        ) {
          return this.fail(path, 'must be an object');
        }
        const input = value as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        const prefix = path === '' ? '' : `${path}.`;
        for (const field of node.fields) {
          const v = this.field(field, input[field.name], `${prefix}${field.name}`);
          if (v === null && this.omitNulls && this.mode === 'serialize') continue;
          out[field.name] = v;
        }
        if (this.unknownFields === 'reject') {
          for (const key of Object.keys(input)) {
            if (!node.fields.some((f) => f.name === key))
              this.fail(`${prefix}${key}`, 'is not a field of ' + node.name);
          }
        }
        this.requiredWhen(node.fields, out, prefix);
        return out;
      }
    }
  }

  private field(field: FieldNode, value: unknown, path: string): unknown {
    const attr = field.attrs[Attr.format];
    const format = typeof attr === 'string' ? attr : undefined;
    if (value === undefined) {
      if (!field.hasDefault) return this.fail(path, 'is required');
      return structuredClone(field.defaultValue);
    }
    return this.value(field.type, value, path, format);
  }

  private requiredWhen(
    fields: readonly FieldNode[],
    out: Record<string, unknown>,
    prefix: string,
  ): void {
    for (const field of fields) {
      const rule = field.attrs[Attr.requiredWhen];
      if (typeof rule !== 'object' || rule === null) continue;
      for (const [disc, symbols] of Object.entries(rule as Record<string, unknown>)) {
        const actual = out[disc];
        if (typeof actual !== 'string' || !Array.isArray(symbols) || !symbols.includes(actual))
          continue;
        const v = out[field.name];
        if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) {
          this.fail(`${prefix}${field.name}`, `is required when ${disc} is ${actual}`);
        }
      }
    }
  }

  private primitive(
    name: string,
    logicalType: string | undefined,
    value: unknown,
    path: string,
    format: string | undefined,
  ): unknown {
    switch (name) {
      case 'null':
        return value === null ? null : this.fail(path, 'must be null');
      case 'boolean':
        return typeof value === 'boolean' ? value : this.fail(path, 'must be a boolean');
      case 'int':
        if (
          typeof value === 'number' &&
          Number.isInteger(value) &&
          value >= -2147483648 &&
          value <= 2147483647
        ) {
          return value;
        }
        return this.fail(path, 'must be a 32-bit integer');
      case 'long':
        if (logicalType === 'timestamp-millis') {
          const millis = isoToMillis(value);
          if (millis === undefined) {
            return this.fail(
              path,
              'must be an ISO-8601 timestamp with offset (e.g. 2025-03-14T06:40:00Z)',
            );
          }
          return millisToIso(millis);
        }
        return typeof value === 'number' && Number.isSafeInteger(value)
          ? value
          : this.fail(path, 'must be an integer');
      case 'float':
      case 'double':
        return typeof value === 'number' && Number.isFinite(value)
          ? value
          : this.fail(path, 'must be a finite number');
      case 'bytes':
        if (Buffer.isBuffer(value))
          return this.mode === 'serialize' ? value.toString('base64') : value;
        if (typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
          return this.mode === 'parse' ? Buffer.from(value, 'base64') : value;
        }
        return this.fail(path, 'must be base64 bytes');
      case 'string': {
        if (typeof value !== 'string') return this.fail(path, 'must be a string');
        if (logicalType === 'uuid' && !UUID_PATTERN.test(value))
          return this.fail(path, 'must be a lowercase UUID');
        if (format !== undefined) {
          const check = FORMATS[format];
          if (check !== undefined && !check.test(value)) return this.fail(path, check.rule);
        }
        return value;
      }
      default:
        return this.fail(path, `unsupported type ${name}`);
    }
  }
}

function invalid(schema: SchemaName, errors: readonly string[]): DomainError {
  const shown = errors.slice(0, 5).join('; ');
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : '';
  return new DomainError(
    ContractErrorCode.invalid,
    `${schema} is invalid: ${shown}${more}`,
    'invalid-input',
    {
      schema,
      errors,
    },
  );
}

/** Validates the JSON form of any top-level schema and returns the in-memory value. */
export function parseJson<N extends SchemaName>(
  schema: N,
  json: unknown,
  options: JsonFormOptions = {},
): SchemaTypeMap[N] {
  const walker = new Walker('parse', options.unknownFields ?? 'reject', false);
  const out = walker.value(schemaModel(schema), json, '', undefined);
  if (walker.errors.length > 0) throw invalid(schema, walker.errors);
  return out as SchemaTypeMap[N];
}

/** Validates an Alert or CaseNotice in JSON form (e.g. the claims of a verified SD-JWT). */
export function parseMessage<K extends MessageKind>(
  kind: K,
  json: unknown,
  options: JsonFormOptions = {},
): MessageByKind[K] {
  const schema = MESSAGE_SCHEMA[kind];
  if (schema === undefined) {
    throw new DomainError(
      ContractErrorCode.invalid,
      `unknown message kind ${JSON.stringify(kind)}`,
      'invalid-input',
      {
        errors: [`kind: must be one of ALERT, CASE_NOTICE`],
      },
    );
  }
  return parseJson(schema, json, options) as unknown as MessageByKind[K];
}

/** The kind of a message, from its messageType (alert and notice types are disjoint). */
export function kindOf(message: Message): MessageKind {
  return (AlertTypeValues as readonly string[]).includes(message.messageType)
    ? 'ALERT'
    : 'CASE_NOTICE';
}

/** Any top-level value as plain JSON (ISO timestamps, base64 bytes), validated. */
export function toJson<N extends SchemaName>(
  schema: N,
  value: SchemaTypeMap[N],
  options: ToJsonOptions = {},
): Record<string, unknown> {
  const walker = new Walker('serialize', 'reject', options.omitNulls ?? false);
  const out = walker.value(schemaModel(schema), value, '', undefined);
  if (walker.errors.length > 0) throw invalid(schema, walker.errors);
  return out as Record<string, unknown>;
}

/** An Alert or CaseNotice as the plain JSON that goes into the SD-JWT, in schema field order. */
export function toMessageJson(
  message: Message,
  options: ToJsonOptions = {},
): Record<string, unknown> {
  return toJson(MESSAGE_SCHEMA[kindOf(message)], message, options);
}
