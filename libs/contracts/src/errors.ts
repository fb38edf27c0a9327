import { DomainError } from '@liaison/errors';

/** Error codes raised by the contracts library; each is a DomainError code. */
export const ContractErrorCode = {
  /** JSON form does not satisfy the schema; details.errors names each path and rule. */
  invalid: 'contract.invalid',
  unknownSchema: 'contract.unknown-schema',
  unknownPath: 'contract.unknown-path',
} as const;

export const CodecErrorCode = {
  /** Not single-object encoded: the first two bytes are not C3 01. */
  badMagic: 'codec.bad-magic',
  /** The fingerprint names no current or released version of the schema. */
  unknownFingerprint: 'codec.unknown-fingerprint',
  /** The bytes end before the value does. */
  truncated: 'codec.truncated',
  /** Bytes remain after the value. */
  trailingBytes: 'codec.trailing-bytes',
  /** A length or item count is negative or larger than any input could hold. */
  absurdLength: 'codec.absurd-length',
  /** A variable-length integer runs over 10 bytes, or an int over 5. */
  badVarint: 'codec.bad-varint',
  /** An int or long outside its range (int32, or JavaScript's safe integers). */
  outOfRange: 'codec.out-of-range',
  badUnionIndex: 'codec.bad-union-index',
  badEnumIndex: 'codec.bad-enum-index',
  /** A boolean byte other than 0 or 1. */
  badBoolean: 'codec.bad-boolean',
  /** A logical value (timestamp, uuid) that cannot be read. */
  badLogicalValue: 'codec.bad-logical-value',
  /** The record (to decode, or encoded) exceeds the size cap. */
  tooLarge: 'codec.too-large',
  /** The value to encode does not match the schema; details.errors names the paths. */
  invalidValue: 'codec.invalid-value',
} as const;

export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];

/** A codec error as a DomainError: `too-large` for the size cap, `invalid-input` otherwise. */
export function codecError(
  code: CodecErrorCode,
  message: string,
  details?: Record<string, unknown>,
): DomainError {
  return new DomainError(
    code,
    message,
    code === CodecErrorCode.tooLarge ? 'too-large' : 'invalid-input',
    details,
  );
}

/** An encoded record of `size` bytes over the cap. */
export function encodedTooLarge(schema: string, size: number, maxBytes: number): DomainError {
  return codecError(CodecErrorCode.tooLarge, `${schema} of ${size} bytes exceeds ${maxBytes}`, {
    size,
    maxBytes,
  });
}
