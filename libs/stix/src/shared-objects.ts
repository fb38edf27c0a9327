/**
 * The objects every Liaison STIX export refers to: the hub's identity, the
 * Liaison extension definitions, the five TLP 2.0 marking definitions and an
 * organisation identity per agency.
 */
import { LIAISON_STIX_DEFINED_AT, hubIdentity, liaisonExtensionDefinitions } from './extensions';
import { agencyIdentityId } from './stix-id';
import { STIX_SPEC_VERSION, type StixObject } from './stix-object';
import { TLP_LEVELS, tlpMarkingDefinition } from './tlp';

export interface AgencyDescription {
  readonly id: string;
  readonly name?: string;
  readonly jurisdiction?: string;
}

export function agencyIdentity(agency: AgencyDescription): StixObject {
  return {
    type: 'identity',
    spec_version: STIX_SPEC_VERSION,
    id: agencyIdentityId(agency.id),
    created: LIAISON_STIX_DEFINED_AT,
    modified: LIAISON_STIX_DEFINED_AT,
    name: agency.name ?? agency.id,
    identity_class: 'organization',
    description: agency.jurisdiction
      ? `Liaison agency ${agency.id} (${agency.jurisdiction})`
      : `Liaison agency ${agency.id}`,
  };
}

export function sharedStixObjects(agencies: readonly AgencyDescription[]): StixObject[] {
  return [
    hubIdentity(),
    ...liaisonExtensionDefinitions(),
    ...TLP_LEVELS.map(tlpMarkingDefinition),
    ...[...agencies].sort((a, b) => a.id.localeCompare(b.id)).map(agencyIdentity),
  ];
}
