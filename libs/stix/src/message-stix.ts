/**
 * A delivery as STIX 2.1, as its recipient sees it: one `report` per message
 * with the originator's and the recipient's `identity`, a `location` per
 * place, an `identity` (individual) per person with their role, and
 * observables for their documents and contact handles, the vehicles and the
 * financial identifiers. Only the recipient's own view goes in: the claims of
 * its presentation (withheld fields are simply not there, and are listed by
 * path in `withheld_fields`). The report carries the presentation exactly as
 * delivered and the hub receipt with its Merkle inclusion proof, so a STIX
 * consumer can still check the originator's signature and the receipt.
 *
 * Without claims (an encrypted delivery read by someone without the
 * recipient's key, such as the hub) only the delivery's envelope is mapped,
 * marked TLP:RED, with the JWE in place of the presentation.
 */
import type { Delivery, Tlp } from '@liaison/contracts';
import {
  HANDLING_EXTENSION_ID,
  MESSAGE_EXTENSION_ID,
  OBSERVABLES_EXTENSION_ID,
  SUBJECT_EXTENSION_ID,
} from './extensions';
import {
  defined,
  isRecord,
  list,
  num,
  own,
  snakeCaseJson,
  text,
  texts,
  type JsonRecord,
} from './json-read';
import { agencyIdentityId, messageObjectId, stixId } from './stix-id';
import { STIX_SPEC_VERSION, stixTimestamp, type StixObject } from './stix-object';
import { isTlp, tlpMarkingId } from './tlp';

/** What the recipient has of one delivery. */
export interface RecipientView {
  /** The delivery as it arrived on the feed (envelope, presentation or JWE, receipt). */
  readonly delivery: Delivery;
  /**
   * The claims of the presentation, after the recipient verified it
   * (libs/crypto `verifyPresentation`); absent when it could not be read.
   */
  readonly claims?: JsonRecord;
  /** Concrete disclosure paths released (from the verification, else the delivery's). */
  readonly disclosedPaths?: readonly string[];
}

/** Claims that are the message's header or the JWT envelope, mapped on their own. */
const HEADER_CLAIMS = new Set([
  'messageId',
  'originatorAgency',
  'messageType',
  'issuedAt',
  'handling',
  'caseRef',
  'urgency',
  'validFrom',
  'validUntil',
  'jti',
  'iss',
  'iat',
  'exp',
  'nbf',
  'liaison_kind',
  'liaison_type',
]);

/** Claims mapped to STIX objects or report properties of their own. */
const MAPPED_CLAIMS = new Set([
  'headline',
  'title',
  'narrative',
  'subjects',
  'locations',
  'vehicles',
  'financialIdentifiers',
]);

const E164 = /^\+[1-9]\d{5,14}$/;

/**
 * The issued positions of an array's disclosed elements, in order: claims
 * drop withheld elements, the disclosure paths keep the issued index. An
 * array whose elements are not each disclosable keeps its positions.
 */
function issuedIndices(
  paths: readonly string[],
  arrayPath: string,
  count: number,
): readonly number[] {
  const prefix = `${arrayPath}[`;
  const found = new Set<number>();
  for (const p of paths) {
    if (!p.startsWith(prefix)) continue;
    const m = /^(\d+)\]$/.exec(p.slice(prefix.length));
    if (m) found.add(Number(m[1]));
  }
  const sorted = [...found].sort((a, b) => a - b);
  return sorted.length === count ? sorted : Array.from({ length: count }, (_, i) => i);
}

interface Builder {
  readonly messageId: string;
  readonly created: string;
  readonly createdBy: string;
  readonly markings: readonly string[];
  readonly paths: readonly string[];
  readonly objects: StixObject[];
}

function sdo(b: Builder, type: string, place: string, props: Record<string, unknown>): string {
  const id = stixId(type, `message:${b.messageId}:${place}`);
  b.objects.push({
    type,
    spec_version: STIX_SPEC_VERSION,
    id,
    created_by_ref: b.createdBy,
    created: b.created,
    modified: b.created,
    ...defined(props),
    object_marking_refs: [...b.markings],
  });
  return id;
}

function sco(
  b: Builder,
  type: string,
  place: string,
  props: Record<string, unknown>,
  extension = type.startsWith('liaison-'),
): string {
  const id = stixId(type, `message:${b.messageId}:${place}`);
  b.objects.push({
    type,
    spec_version: STIX_SPEC_VERSION,
    id,
    ...defined(props),
    object_marking_refs: [...b.markings],
    ...(extension
      ? { extensions: { [OBSERVABLES_EXTENSION_ID]: { extension_type: 'new-sco' } } }
      : {}),
  });
  return id;
}

function location(b: Builder, place: string, loc: unknown): string | undefined {
  if (!isRecord(loc)) return undefined;
  const country = text(loc, 'country');
  const latitude = num(loc, 'latitude');
  const longitude = num(loc, 'longitude');
  const both = latitude !== undefined && longitude !== undefined;
  if (country === undefined && !both) return undefined;
  const observedAt = optionalTimestamp(text(loc, 'observedAt'));
  const note = text(loc, 'note');
  const kind = text(loc, 'locationType')?.toLowerCase().replace(/_/g, ' ');
  return sdo(b, 'location', place, {
    name: text(loc, 'place') ?? kind,
    description:
      [note, observedAt ? `observed at ${observedAt}` : undefined].filter(Boolean).join('; ') ||
      undefined,
    country,
    latitude: both ? latitude : undefined,
    longitude: both ? longitude : undefined,
  });
}

function optionalTimestamp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function contactHandle(b: Builder, place: string, handle: unknown): string | undefined {
  const kind = text(handle, 'handleType');
  const value = text(handle, 'value');
  if (value === undefined || value === '') return undefined;
  const platform = text(handle, 'platform');
  if (kind === 'EMAIL') return sco(b, 'email-addr', place, { value });
  if (kind === 'PHONE' || E164.test(value))
    return sco(b, 'liaison-phone-number', place, { value, platform });
  return sco(b, 'user-account', place, {
    account_login: value,
    account_type: platform?.toLowerCase(),
  });
}

function document(b: Builder, place: string, doc: unknown): string | undefined {
  const number = text(doc, 'number');
  if (number === undefined) return undefined;
  return sco(b, 'liaison-identity-document', place, {
    document_type: text(doc, 'documentType'),
    number,
    issuing_country: text(doc, 'issuingCountry'),
    expires_on: text(doc, 'expiresOn'),
    status: text(doc, 'status'),
  });
}

function withheldUnder(withheld: Delivery['withheld'], prefix: string) {
  return withheld
    .filter((w) => w.path === prefix || w.path.startsWith(`${prefix}.`))
    .map((w) => ({ path: w.path, rule_id: w.ruleId }));
}

function subject(
  b: Builder,
  index: number,
  person: unknown,
  withheld: Delivery['withheld'],
): string | undefined {
  if (!isRecord(person)) return undefined;
  const place = `subjects[${index}]`;
  const role = text(person, 'role') ?? 'UNKNOWN';
  const identity = own(person, 'identity');
  const observableRefs: string[] = [];
  const docs = list(identity, 'documents');
  issuedIndices(b.paths, `${place}.identity.documents`, docs.length).forEach((at, k) => {
    const id = document(b, `${place}.identity.documents[${at}]`, docs[k]);
    if (id) observableRefs.push(id);
  });
  const handles = list(identity, 'contactHandles');
  issuedIndices(b.paths, `${place}.identity.contactHandles`, handles.length).forEach((at, k) => {
    const id = contactHandle(b, `${place}.identity.contactHandles[${at}]`, handles[k]);
    if (id) observableRefs.push(id);
  });
  const lastSeen = location(b, `${place}.lastSeen`, own(person, 'lastSeen'));
  const given = text(identity, 'givenNames');
  const family = text(identity, 'familyName');
  // Never composed from parts: the name is the disclosed full name or a placeholder.
  const name = text(identity, 'fullName') ?? `subject ${index + 1} (${role.toLowerCase()})`;
  return sdo(b, 'identity', place, {
    name,
    description: text(person, 'description'),
    identity_class: 'individual',
    roles: [role.toLowerCase()],
    extensions: {
      [SUBJECT_EXTENSION_ID]: defined({
        extension_type: 'property-extension',
        subject_index: index,
        role,
        minor: own(person, 'minor') === true,
        given_names: given,
        family_name: family,
        aliases:
          isRecord(identity) && own(identity, 'aliases') ? texts(identity, 'aliases') : undefined,
        date_of_birth: text(identity, 'dateOfBirth'),
        nationality: text(identity, 'nationality'),
        sex: text(identity, 'sex'),
        last_seen_ref: lastSeen,
        observable_refs: observableRefs.length > 0 ? observableRefs : undefined,
        withheld_fields: withheldUnder(withheld, place),
      }),
    },
  });
}

function handlingMarking(b: Builder, handling: unknown): StixObject {
  const grading = own(handling, 'grading');
  return {
    type: 'marking-definition',
    spec_version: STIX_SPEC_VERSION,
    id: stixId('marking-definition', `message:${b.messageId}:handling`),
    created_by_ref: b.createdBy,
    created: b.created,
    name: `Liaison handling ${text(handling, 'handlingCode') ?? ''}`.trim(),
    extensions: {
      [HANDLING_EXTENSION_ID]: defined({
        extension_type: 'property-extension',
        handling_code: text(handling, 'handlingCode'),
        handling_conditions: text(handling, 'handlingConditions'),
        grading: isRecord(grading)
          ? defined({
              scale: text(grading, 'scale'),
              source: text(grading, 'source'),
              information: text(grading, 'information'),
            })
          : undefined,
        purposes: texts(handling, 'purposes'),
        releasable_to: texts(handling, 'releasableTo'),
        named_recipients: texts(handling, 'namedRecipients'),
        retention_days: num(handling, 'retentionDays'),
      }),
    },
  };
}

/** The TLP of a recipient view: the signed handling mark, TLP:RED when it cannot be read. */
export function tlpOfView(view: RecipientView): Tlp {
  const tlp = text(own(view.claims, 'handling'), 'tlp');
  return isTlp(tlp) ? tlp : 'RED';
}

/**
 * The STIX objects of one delivery (report first), without the shared ones
 * (agency identities, TLP definitions, extension definitions: `sharedStixObjects`).
 */
export function deliveryStixObjects(view: RecipientView): StixObject[] {
  const d = view.delivery;
  const claims = view.claims;
  const issuedAt = text(claims, 'issuedAt');
  const created = stixTimestamp(issuedAt ?? d.deliveredAt);
  const originator = agencyIdentityId(d.originatorAgency);
  const tlp = tlpOfView(view);
  const handling = own(claims, 'handling');
  const handlingId = isRecord(handling)
    ? stixId('marking-definition', `message:${d.messageId}:handling`)
    : undefined;
  const b: Builder = {
    messageId: d.messageId,
    created,
    createdBy: originator,
    markings: handlingId ? [tlpMarkingId(tlp), handlingId] : [tlpMarkingId(tlp)],
    paths: view.disclosedPaths ?? d.disclosedPaths,
    objects: [],
  };
  if (handlingId) b.objects.push(handlingMarking(b, handling));
  const refs: string[] = [originator, agencyIdentityId(d.recipientAgency)];
  const people = list(claims, 'subjects');
  issuedIndices(b.paths, 'subjects', people.length).forEach((at, k) => {
    const id = subject(b, at, people[k], d.withheld);
    if (id) refs.push(id);
  });
  const places = list(claims, 'locations');
  issuedIndices(b.paths, 'locations', places.length).forEach((at, k) => {
    const id = location(b, `locations[${at}]`, places[k]);
    if (id) refs.push(id);
  });
  const vehicles = list(claims, 'vehicles');
  issuedIndices(b.paths, 'vehicles', vehicles.length).forEach((at, k) => {
    const v = vehicles[k];
    if (!isRecord(v)) return;
    refs.push(
      sco(b, 'liaison-vehicle', `vehicles[${at}]`, {
        vehicle_type: text(v, 'vehicleType'),
        plate: text(v, 'plate'),
        registration_country: text(v, 'registrationCountry'),
        make: text(v, 'make'),
        model: text(v, 'model'),
        colour: text(v, 'colour'),
        vin: text(v, 'vin'),
      }),
    );
  });
  const money = list(claims, 'financialIdentifiers');
  issuedIndices(b.paths, 'financialIdentifiers', money.length).forEach((at, k) => {
    const f = money[k];
    const value = text(f, 'value');
    if (value === undefined) return;
    refs.push(
      sco(b, 'liaison-financial-identifier', `financialIdentifiers[${at}]`, {
        identifier_type: text(f, 'identifierType'),
        value,
        institution: text(f, 'institution'),
        country: text(f, 'country'),
        holder_name: text(f, 'holderName'),
        note: text(f, 'note'),
      }),
    );
  });
  const adverts = list(claims, 'adverts');
  issuedIndices(b.paths, 'adverts', adverts.length).forEach((at, k) => {
    const url = text(adverts[k], 'url');
    if (url !== undefined && /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(url))
      refs.push(sco(b, 'url', `adverts[${at}]`, { value: url }));
  });
  for (const agency of texts(claims, 'requestedAgencies')) refs.push(agencyIdentityId(agency));
  const related = [
    ...texts(claims, 'relatedMessageIds'),
    ...[text(own(claims, 'transition'), 'requestMessageId')].filter(
      (v): v is string => v !== undefined,
    ),
  ];
  for (const id of related) refs.push(messageObjectId(id));

  const content = snakeCaseJson(
    Object.fromEntries(
      Object.keys(claims ?? {})
        .filter((k) => !HEADER_CLAIMS.has(k) && !MAPPED_CLAIMS.has(k))
        .map((k) => [k, own(claims, k)]),
    ),
  );
  const name =
    text(claims, 'headline') ??
    text(claims, 'title') ??
    `${d.messageType} from ${d.originatorAgency}${claims ? '' : ' (encrypted to you)'}`;
  const report: StixObject = {
    type: 'report',
    spec_version: STIX_SPEC_VERSION,
    id: messageObjectId(d.messageId),
    created_by_ref: originator,
    created,
    modified: created,
    name,
    ...defined({ description: text(claims, 'narrative') }),
    report_types: [d.kind === 'ALERT' ? 'liaison-alert' : 'liaison-case-notice'],
    published: created,
    object_refs: [...new Set(refs)],
    object_marking_refs: [...b.markings],
    labels: [d.messageType.toLowerCase()],
    extensions: {
      [MESSAGE_EXTENSION_ID]: defined({
        extension_type: 'property-extension',
        message_id: d.messageId,
        message_kind: d.kind,
        message_type: d.messageType,
        case_ref: d.caseRef ?? undefined,
        issued_at: issuedAt,
        urgency: text(claims, 'urgency'),
        valid_from: text(claims, 'validFrom'),
        valid_until: text(claims, 'validUntil'),
        content: isRecord(content) && Object.keys(content).length > 0 ? content : undefined,
        disclosed_paths: [...b.paths],
        withheld_fields: d.withheld.map((w) => ({ path: w.path, rule_id: w.ruleId })),
        encrypted: d.encrypted,
        presentation: d.presentation,
        receipt: d.receipt,
        receipt_proof: {
          leaf_index: d.receiptProof.leafIndex,
          tree_size: d.receiptProof.treeSize,
          path: [...d.receiptProof.path],
        },
        policy_version: d.policyVersion,
        delivered_at: stixTimestamp(d.deliveredAt),
        custodial: d.custodial,
      }),
    },
  };
  return [report, ...b.objects];
}
