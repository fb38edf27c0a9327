/**
 * Test fixtures for libs/policy: the field paths the seed is written against, the
 * seed world loaded from deploy/seed, and builders for facts and catalogues.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseDirectory,
  parsePolicyDocument,
  type Directory,
  type DisclosureSlot,
  type MessageFacts,
  type PolicyDocument,
} from '@liaison/policy';

/**
 * Disclosable paths of the Alert / CaseNotice schemas (schemas/*.avsc, attribute
 * liaison.disclosable) plus those named in the issue. The seed uses only paths in both.
 */
export const KNOWN_PATHS: readonly string[] = [
  'headline',
  'title',
  'narrative',
  'assistanceRequested',
  'adverts[]',
  'subjects[]',
  'subjects[].description',
  'subjects[].lastSeen',
  'subjects[].identity',
  'subjects[].identity.fullName',
  'subjects[].identity.givenNames',
  'subjects[].identity.familyName',
  'subjects[].identity.aliases[]',
  'subjects[].identity.dateOfBirth',
  'subjects[].identity.nationality',
  'subjects[].identity.sex',
  'subjects[].identity.documents[]',
  'subjects[].identity.contacts[]',
  'subjects[].identity.contactHandles[]',
  'locations[]',
  'routeLegs[]',
  'vehicles[]',
  'vehicles[].plate',
  'vehicles[].vin',
  'financialIdentifiers[]',
  'financialIdentifiers[].holderName',
];

const SEED = join(__dirname, '..', '..', '..', 'deploy', 'seed');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export function loadSeed(): { directory: Directory; documents: PolicyDocument[]; files: string[] } {
  const directory = parseDirectory(
    readJson(join(SEED, 'directory.json')),
    readJson(join(SEED, 'groups.json')),
  );
  const files = readdirSync(join(SEED, 'policies')).filter((f) => f.endsWith('.json'));
  const documents = files.map((f) => parsePolicyDocument(readJson(join(SEED, 'policies', f))));
  return { directory, documents, files };
}

export function facts(overrides: Partial<MessageFacts> = {}): MessageFacts {
  return {
    kind: 'ALERT',
    messageType: 'TRAFFICKING_ROUTE',
    originatorAgency: 'nl-knp',
    originatorJurisdiction: 'NL',
    tlp: 'AMBER',
    handlingCode: 'H0',
    purposes: ['INVESTIGATION'],
    releasableTo: [],
    namedRecipients: [],
    // As the app derives it: every named recipient is addressed.
    addressedTo: [...(overrides.namedRecipients ?? [])],
    hasVictim: false,
    hasMinor: false,
    ...overrides,
  };
}

/** A message with one adult victim, one minor victim and one suspect, plus the usual parts. */
export function catalogueWithSubjects(): DisclosureSlot[] {
  const slots: DisclosureSlot[] = [];
  const add = (
    schemaPath: string,
    parentIndex: number | null,
    subject: { role: DisclosureSlot['subjectRole']; minor: boolean; identity: boolean } = {
      role: null,
      minor: false,
      identity: false,
    },
  ): number => {
    const index = slots.length;
    slots.push({
      index,
      schemaPath,
      subjectRole: subject.role,
      subjectMinor: subject.minor,
      subjectIdentity: subject.identity,
      parentIndex,
    });
    return index;
  };
  add('narrative', null);
  for (const [role, minor] of [
    ['VICTIM', false],
    ['VICTIM', true],
    ['SUSPECT', false],
  ] as const) {
    const subject = add('subjects[]', null, { role, minor, identity: true });
    const identity = add('subjects[].identity', subject, { role, minor, identity: true });
    add('subjects[].identity.fullName', identity, { role, minor, identity: true });
    add('subjects[].identity.dateOfBirth', identity, { role, minor, identity: true });
    add('subjects[].identity.documents[]', identity, { role, minor, identity: true });
    add('subjects[].lastSeen', subject, { role, minor, identity: false });
  }
  add('locations[]', null);
  add('routeLegs[]', null);
  const vehicle = add('vehicles[]', null);
  add('vehicles[].plate', vehicle);
  add('financialIdentifiers[]', null);
  return slots;
}

/** Runs fn and returns the error code it threw (fails the test if it did not throw). */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? 'no-code';
  }
  throw new Error('expected a DomainError, nothing was thrown');
}
