/**
 * The Liaison STIX extension definitions (STIX 2.1 section 7.3), the hub's
 * identity that publishes them, and the extension property names. Each
 * definition's `schema` states its properties in plain text; docs/integration.md
 * (STIX and TAXII) documents them for consumers.
 */
import { stixId } from './stix-id';
import { STIX_SPEC_VERSION, type StixObject } from './stix-object';

export const HUB_IDENTITY_ID = stixId('identity', 'liaison-hub');

/** When the definitions below were first published; fixed, like their ids. */
export const LIAISON_STIX_DEFINED_AT = '2026-12-02T00:00:00.000Z';

interface ExtensionSpec {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly extensionTypes: readonly string[];
  readonly schema: string;
}

function definitionId(key: string): string {
  return stixId('extension-definition', `liaison-extension:${key}`);
}

const SPECS = {
  message: {
    key: 'message',
    name: 'Liaison message',
    description:
      'The Liaison delivery a report stands for: message header, the recipient view released and withheld, and what a consumer needs to verify it.',
    extensionTypes: ['property-extension'],
    schema:
      'Property extension on report. message_id, message_kind (ALERT|CASE_NOTICE), message_type, case_ref, issued_at, urgency, valid_from, valid_until; content: the disclosed message fields not mapped to other STIX objects (snake_case); disclosed_paths; withheld_fields [{path, rule_id}] (each field left out of this recipient view, never its value); encrypted (true: presentation is a compact JWE to the recipient and the content is absent); presentation (the originator SD-JWT presentation exactly as delivered, verifiable against the originator JWKS); receipt (hub-signed compact JWS); receipt_proof {leaf_index, tree_size, path} (RFC 6962 inclusion of the receipt in its signed batch); policy_version; delivered_at; custodial.',
  },
  subject: {
    key: 'subject',
    name: 'Liaison subject',
    description: 'A person a message is about, as far as the recipient is entitled to see them.',
    extensionTypes: ['property-extension'],
    schema:
      'Property extension on identity (identity_class individual). subject_index; role (VICTIM|SUSPECT|WITNESS); minor; the disclosed particulars: given_names, family_name, aliases, date_of_birth, nationality, sex; last_seen_ref (location); observable_refs (its documents and contact handles); withheld_fields: the paths under this subject withheld from the recipient. An identity whose name was withheld is named "subject N (role)".',
  },
  handling: {
    key: 'handling',
    name: 'Liaison handling marks',
    description: 'The originator handling code, grading, purposes, releasability and retention.',
    extensionTypes: ['property-extension'],
    schema:
      'Property extension on marking-definition. handling_code (H0..H3, Europol-style), handling_conditions, grading {scale, source, information}, purposes (INVESTIGATION|VICTIM_SUPPORT|BORDER_CONTROL|RESEARCH), releasable_to and named_recipients (agency ids), retention_days. Applies with the TLP 2.0 marking of the same object.',
  },
  linkNotice: {
    key: 'link-notice',
    name: 'Liaison link notice',
    description:
      "A hub-signed notice that another agency's message shares a selector with one of the recipient's own messages; never the selector value.",
    extensionTypes: ['property-extension'],
    schema:
      'Property extension on grouping. notice_id, message_id (the recipient own message), counterpart_agency, counterpart_case_handle, kinds (selector kinds), strength (EXACT|POSSIBLE), counterpart_tlp, rules, found_at, hub_signature (compact JWS over the notice as canonical JSON).',
  },
  observables: {
    key: 'observables',
    name: 'Liaison observables',
    description:
      'Cyber-observables STIX 2.1 does not define: phone numbers, identity documents, vehicles and financial identifiers.',
    extensionTypes: ['new-sco'],
    schema:
      'New SCO types. liaison-phone-number {value (E.164 as given), platform}; liaison-identity-document {document_type, number, issuing_country, expires_on, status}; liaison-vehicle {vehicle_type, plate, registration_country, make, model, colour, vin}; liaison-financial-identifier {identifier_type, value, institution, country, holder_name, note}. Properties withheld from the recipient are absent.',
  },
} as const satisfies Record<string, ExtensionSpec>;

export const MESSAGE_EXTENSION_ID = definitionId(SPECS.message.key);
export const SUBJECT_EXTENSION_ID = definitionId(SPECS.subject.key);
export const HANDLING_EXTENSION_ID = definitionId(SPECS.handling.key);
export const LINK_NOTICE_EXTENSION_ID = definitionId(SPECS.linkNotice.key);
export const OBSERVABLES_EXTENSION_ID = definitionId(SPECS.observables.key);

/** The new SCO types of the observables extension. */
export const LIAISON_SCO_TYPES = [
  'liaison-phone-number',
  'liaison-identity-document',
  'liaison-vehicle',
  'liaison-financial-identifier',
] as const;

/** The hub, as the identity that publishes the extension definitions. */
export function hubIdentity(): StixObject {
  return {
    type: 'identity',
    spec_version: STIX_SPEC_VERSION,
    id: HUB_IDENTITY_ID,
    created: LIAISON_STIX_DEFINED_AT,
    modified: LIAISON_STIX_DEFINED_AT,
    name: 'Liaison hub',
    identity_class: 'system',
  };
}

/** The five extension definitions, as STIX objects. */
export function liaisonExtensionDefinitions(): StixObject[] {
  return Object.values(SPECS).map((spec: ExtensionSpec) => ({
    type: 'extension-definition',
    spec_version: STIX_SPEC_VERSION,
    id: definitionId(spec.key),
    created_by_ref: HUB_IDENTITY_ID,
    created: LIAISON_STIX_DEFINED_AT,
    modified: LIAISON_STIX_DEFINED_AT,
    name: spec.name,
    description: spec.description,
    schema: spec.schema,
    version: '1.0.0',
    extension_types: [...spec.extensionTypes],
  }));
}
