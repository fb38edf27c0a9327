/**
 * @liaison/contracts: every message contract of the hub. Avro schemas in
 * `schemas/` are the source of truth; the types are generated from them.
 * - types: Alert, CaseNotice and the topic envelopes (generated)
 * - codecFor: Avro single-object codecs for Kafka records
 * - parseMessage / toMessageJson: the JSON form carried inside SD-JWTs
 * - disclosableFields / KNOWN_PATHS: which fields may be withheld, by path
 */
export * from './generated/types';
export { SCHEMA_NAMES, type SchemaName } from './generated/schemas';
export { CodecErrorCode, ContractErrorCode } from './errors';
export {
  codecFor,
  projectionFor,
  singleObjectHeader,
  DEFAULT_MAX_RECORD_BYTES,
  SINGLE_OBJECT_HEADER_BYTES,
  type Codec,
  type CodecOptions,
  type RecordDecoder,
} from './codec';
export { recordSplicer, type RecordSplicer, type RecordTemplate } from './record-splice';
export { RecordSlab, SlabPool } from './record-slab';
export { crc64Avro, parsingCanonicalForm, schemaFingerprint } from './fingerprint';
export {
  avroType,
  isSchemaName,
  schemaJson,
  schemaModel,
  schemaVersions,
  type SchemaVersion,
} from './registry';
export {
  kindOf,
  MESSAGE_SCHEMA,
  parseJson,
  parseMessage,
  toJson,
  toMessageJson,
  type JsonFormOptions,
  type Message,
  type MessageByKind,
  type ToJsonOptions,
} from './json-form';
export {
  assertKnownPath,
  disclosableFields,
  isDisclosablePath,
  isKnownPath,
  KNOWN_PATHS,
  MESSAGE_KINDS,
  SD_JWT_ENVELOPE_CLAIMS,
  messageClaimShape,
  messageKindOfClaims,
  schemaPathOf,
  type DisclosableField,
  type MessageClaimShape,
} from './disclosure';
export { SENSITIVITIES, type Sensitivity } from './schema-model';
export { compatibilityErrors } from './compatibility';
export type { RecipientStatus, SubmissionStatus } from './submission-status';
