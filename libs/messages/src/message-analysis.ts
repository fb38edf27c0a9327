/**
 * From a verified SD-JWT to what the policy evaluator needs: the validated
 * message (Avro contract), its facts (marks, victims, minors) and the catalogue
 * of its disclosures (path, subject role, minor flag, parent). Computed once per
 * message; every recipient's decision reuses it.
 */
import { DomainError } from '@liaison/errors';
import {
  KNOWN_PATHS,
  SD_JWT_ENVELOPE_CLAIMS,
  disclosableFields,
  messageClaimShape,
  parseMessage,
  type Message,
  type MessageByKind,
  type MessageClaimShape,
  type MessageKind,
} from '@liaison/contracts';
import type { VerifiedSdJwt } from '@liaison/crypto';
import type { DisclosureSlot, MessageFacts, Tlp } from '@liaison/policy';

export interface AnalysedMessage {
  readonly kind: MessageKind;
  readonly message: Message;
  readonly facts: MessageFacts;
  readonly catalogue: readonly DisclosureSlot[];
}

/** The message inside the claims: everything but the JWT claims around it (null prototype). */
export function messageJsonOf(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(claims))
    if (!SD_JWT_ENVELOPE_CLAIMS.has(name)) out[name] = value;
  return out;
}

/**
 * TLP as TLP 2.0 and every answer spell it (`AMBER+STRICT`), from the Avro
 * symbol (`AMBER_STRICT`, an Avro symbol cannot hold `+`): the one conversion,
 * at the edge where a stored or decoded symbol leaves for a reader.
 */
export function tlpLabel(tlp: MessageByKind['ALERT']['handling']['tlp']): Tlp;
export function tlpLabel(tlp: string): string;
export function tlpLabel(tlp: string): string {
  return tlp === 'AMBER_STRICT' ? 'AMBER+STRICT' : tlp;
}

const SUBJECT_INDEX = /^subjects\[(\d+)\]/;

const identityPaths = new Map<MessageKind, ReadonlySet<string>>();

/**
 * Disclosable paths that identify a subject (every disclosable descendant is
 * listed, so an exact lookup suffices): those the schema marks subject-identity, except
 * the subjects[] element itself (its role and minor flag identify nobody; keeping
 * it lets a recipient see that a victim exists even when who it is is withheld).
 */
function subjectIdentityPaths(kind: MessageKind): ReadonlySet<string> {
  let paths = identityPaths.get(kind);
  if (!paths) {
    paths = new Set(
      disclosableFields(kind)
        .filter((f) => f.sensitivity === 'subject-identity' && f.path !== 'subjects[]')
        .map((f) => f.path),
    );
    identityPaths.set(kind, paths);
  }
  return paths;
}

export function catalogueOf(
  verified: VerifiedSdJwt,
  message: Message,
  kind: MessageKind,
): DisclosureSlot[] {
  const identity = subjectIdentityPaths(kind);
  return verified.disclosures.map((d): DisclosureSlot => {
    const match = SUBJECT_INDEX.exec(d.concretePath);
    const subject = match ? message.subjects[Number(match[1])] : undefined;
    return {
      index: d.index,
      schemaPath: d.schemaPath,
      subjectRole: subject ? subject.role : null,
      subjectMinor: subject ? subject.minor : false,
      subjectIdentity: identity.has(d.schemaPath),
      parentIndex: d.parentIndex,
    };
  });
}

/**
 * Every agency a message names, once each: its named recipients, and for a case
 * notice the agencies asked for assistance and the proposed JIT partners. These are
 * header fields (never withheld), so every recipient can see whom a notice addresses.
 */
export function addressedAgenciesOf(message: Message): string[] {
  const named = [...message.handling.namedRecipients];
  if ('requestedAgencies' in message) {
    named.push(...message.requestedAgencies, ...(message.jitProposal?.partnerAgencies ?? []));
  }
  return [...new Set(named)];
}

/**
 * Validates the claims as the message contract and checks the envelope agrees
 * with the message (jti = messageId, iss = originatorAgency, kind = messageType).
 */
export function analyseMessage(
  verified: VerifiedSdJwt,
  kind: MessageKind,
  originatorJurisdiction: string,
): AnalysedMessage {
  const message = parseMessage(kind, messageJsonOf(verified.claims));
  if (verified.payload.jti !== message.messageId) {
    throw new DomainError('message.id-mismatch', 'jti must equal messageId', 'invalid-input');
  }
  if (verified.issuer !== message.originatorAgency) {
    throw new DomainError(
      'message.originator-mismatch',
      `token issuer ${verified.issuer} is not the message's originatorAgency ${message.originatorAgency}`,
      'forbidden',
    );
  }
  const handling = message.handling;
  const facts: MessageFacts = {
    kind,
    messageType: message.messageType,
    originatorAgency: message.originatorAgency,
    originatorJurisdiction,
    tlp: tlpLabel(handling.tlp),
    handlingCode: handling.handlingCode,
    purposes: handling.purposes,
    releasableTo: handling.releasableTo,
    namedRecipients: handling.namedRecipients,
    addressedTo: addressedAgenciesOf(message),
    hasVictim: message.subjects.some((s) => s.role === 'VICTIM'),
    hasMinor: message.subjects.some((s) => s.minor),
  };
  return { kind, message, facts, catalogue: catalogueOf(verified, message, kind) };
}

/**
 * What the hub verifies a submission's claims against: the kind's shape
 * (libs/contracts messageClaimShape), once the signed `liaison_kind`, when
 * present, is checked to name that kind (`submission.wrong-kind`), so a case
 * notice sent as an alert is named as such rather than as unknown fields.
 */
export function submissionClaimShape(
  kind: MessageKind,
): (payload: Readonly<Record<string, unknown>>) => MessageClaimShape {
  return (payload) => {
    const claimed = payload.liaison_kind;
    if (claimed !== undefined && claimed !== kind) {
      throw new DomainError(
        'submission.wrong-kind',
        `token says ${JSON.stringify(claimed)}, the submission is ${kind}`,
      );
    }
    return messageClaimShape(kind);
  };
}

/** The disclosable paths of a kind, as the issuer and the policy validator use them. */
export function disclosablePathsOf(kind: MessageKind): string[] {
  return disclosableFields(kind).map((f) => f.path);
}

/** Every path a policy rule may name, for any message kind. */
export const ALL_KNOWN_PATHS: readonly string[] = [
  ...new Set([...KNOWN_PATHS.ALERT, ...KNOWN_PATHS.CASE_NOTICE]),
];
