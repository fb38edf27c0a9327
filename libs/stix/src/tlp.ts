/**
 * TLP 2.0 as STIX marking definitions, exactly as OASIS publishes them in
 * cti-stix-common-objects (extension-definition-specifications/tlp-2.0): the
 * same ids, `created` and extension, so every consumer recognises them.
 */
import type { Tlp } from '@liaison/contracts';
import { STIX_SPEC_VERSION, type StixObject } from './stix-object';

/** The OASIS TLP 2.0 extension definition. */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

const TLP2: Readonly<Record<Tlp, { readonly id: string; readonly level: string }>> = {
  CLEAR: { id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', level: 'clear' },
  GREEN: { id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', level: 'green' },
  AMBER: { id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', level: 'amber' },
  AMBER_STRICT: {
    id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    level: 'amber+strict',
  },
  RED: { id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', level: 'red' },
};

export const TLP_LEVELS: readonly Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];

export function isTlp(value: unknown): value is Tlp {
  return typeof value === 'string' && (TLP_LEVELS as readonly string[]).includes(value);
}

/** The OASIS marking-definition id of a TLP 2.0 level. */
export function tlpMarkingId(tlp: Tlp): string {
  return TLP2[tlp].id;
}

/** The TLP 2.0 level as TLP writes it (`amber+strict`), the form `match[tlp]` takes. */
export function tlpLevelName(tlp: Tlp): string {
  return TLP2[tlp].level;
}

/** `amber+strict`, `AMBER+STRICT`, `amber_strict`, `TLP:AMBER` → the level; undefined otherwise. */
export function tlpFromName(name: string): Tlp | undefined {
  const level = name.trim().toLowerCase().replace(/^tlp:/, '').replace(/[_ ]/g, '+');
  return TLP_LEVELS.find((t) => TLP2[t].level === level);
}

/** The OASIS marking-definition object of a TLP 2.0 level, verbatim. */
export function tlpMarkingDefinition(tlp: Tlp): StixObject {
  const { id, level } = TLP2[tlp];
  return {
    type: 'marking-definition',
    spec_version: STIX_SPEC_VERSION,
    id,
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${level.toUpperCase()}`,
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level },
    },
  };
}

/** The TLP of a marking id, if it is one of the five. */
export function tlpOfMarkingId(id: string): Tlp | undefined {
  return TLP_LEVELS.find((t) => TLP2[t].id === id);
}
