/**
 * Which fields of a message may be withheld per recipient, read from the
 * `liaison.disclosable` marks in the schemas, and the set of valid paths.
 */
import { DomainError } from '@liaison/errors';
import {
  disclosableFieldsOf,
  schemaPathOf,
  schemaPaths,
  type DisclosableField,
} from './disclosable-fields';
import { ContractErrorCode } from './errors';
import { AlertTypeValues, type MessageKind } from './generated/types';
import { MESSAGE_SCHEMA } from './json-form';
import { schemaModel } from './registry';

export type { DisclosableField } from './disclosable-fields';

const MESSAGE_KINDS: readonly MessageKind[] = ['ALERT', 'CASE_NOTICE'];

const disclosableCache = new Map<MessageKind, readonly DisclosableField[]>();

/** The disclosable paths of a message kind, in schema order, with sensitivity and doc. */
export function disclosableFields(kind: MessageKind): ReadonlyArray<DisclosableField> {
  let fields = disclosableCache.get(kind);
  if (fields === undefined) {
    fields = Object.freeze(
      disclosableFieldsOf(schemaModel(MESSAGE_SCHEMA[kind])).map((f) => Object.freeze(f)),
    );
    disclosableCache.set(kind, fields);
  }
  return fields;
}

function pathSet(kind: MessageKind): ReadonlySet<string> {
  return new Set(schemaPaths(schemaModel(MESSAGE_SCHEMA[kind])).map((p) => p.path));
}

/** Every path of each message kind (disclosable or not), in the `[]` convention. */
export const KNOWN_PATHS: Readonly<Record<MessageKind, ReadonlySet<string>>> = {
  ALERT: pathSet('ALERT'),
  CASE_NOTICE: pathSet('CASE_NOTICE'),
};

/**
 * The JWT claims around a message inside its SD-JWT (RFC 7519 and Liaison's
 * own): allowed at the root beside the message fields, always in clear.
 */
export const SD_JWT_ENVELOPE_CLAIMS: ReadonlySet<string> = new Set([
  'jti',
  'iss',
  'iat',
  'exp',
  'nbf',
  'liaison_type',
  'liaison_kind',
]);

/**
 * What the claims of a message kind's SD-JWT must look like (libs/crypto
 * ClaimShape, structurally): every name a schema field or an envelope claim,
 * and the disclosable fields exactly the disclosures.
 */
export interface MessageClaimShape {
  readonly envelopeClaims: ReadonlySet<string>;
  readonly knownPaths: ReadonlySet<string>;
  readonly disclosablePaths: ReadonlySet<string>;
}

const shapeCache = new Map<MessageKind, MessageClaimShape>();

export function messageClaimShape(kind: MessageKind): MessageClaimShape {
  let shape = shapeCache.get(kind);
  if (shape === undefined) {
    shape = Object.freeze({
      envelopeClaims: SD_JWT_ENVELOPE_CLAIMS,
      knownPaths: KNOWN_PATHS[kind],
      disclosablePaths: new Set(disclosableFields(kind).map((f) => f.path)),
    });
    shapeCache.set(kind, shape);
  }
  return shape;
}

/**
 * The kind a signed payload says it is, for a recipient that has only the
 * token: `liaison_kind` when it names a kind, else from `messageType`.
 */
export function messageKindOfClaims(payload: Readonly<Record<string, unknown>>): MessageKind {
  const claimed = payload.liaison_kind;
  if (claimed === 'ALERT' || claimed === 'CASE_NOTICE') return claimed;
  return (AlertTypeValues as readonly unknown[]).includes(payload.messageType)
    ? 'ALERT'
    : 'CASE_NOTICE';
}

/** True when the path (schema form `subjects[].x` or concrete `subjects[0].x`) exists. */
export function isKnownPath(kind: MessageKind, path: string): boolean {
  return KNOWN_PATHS[kind].has(schemaPathOf(path));
}

/** True when the path (schema or concrete form) is a disclosable path. */
export function isDisclosablePath(kind: MessageKind, path: string): boolean {
  const schemaPath = schemaPathOf(path);
  return disclosableFields(kind).some((f) => f.path === schemaPath);
}

/** Throws `contract.unknown-path` unless the path exists in the message kind. */
export function assertKnownPath(kind: MessageKind, path: string): void {
  if (!isKnownPath(kind, path)) {
    throw new DomainError(
      ContractErrorCode.unknownPath,
      `${path}: not a path of ${MESSAGE_SCHEMA[kind]}`,
      'invalid-input',
      {
        kind,
        path,
      },
    );
  }
}

export { MESSAGE_KINDS, schemaPathOf };
