/**
 * Test fixtures shared by the libs/crypto specs: agencies with keys, a key
 * directory, an Alert-like message with 20 disclosures, a fixed clock.
 * Not exported from the library.
 */
import { type ClaimShape } from '../claim-shape';
import { createJwsSigner, type JwsSigner, type SignerKey } from '../compact-jws';
import { generateAgencyKeys, type GeneratedAgencyKeys, type SignatureAlg } from '../jwk';
import { KeyDirectory, type AgencyKey } from '../key-directory';
import { type OfficerEnrolment } from '../officer-directory';

export const NOW_MS = Date.UTC(2025, 0, 15, 12, 0, 0);
export const NOW_SEC = NOW_MS / 1000;
export const clock = (): number => NOW_MS;

export interface TestAgency {
  readonly agencyId: string;
  readonly keys: GeneratedAgencyKeys;
  readonly record: AgencyKey;
  readonly signerKey: SignerKey;
  readonly signer: JwsSigner;
}

export function makeAgency(
  agencyId: string,
  alg: SignatureAlg = 'EdDSA',
  overrides: Partial<AgencyKey> = {},
): TestAgency {
  const keys = generateAgencyKeys(alg);
  const record: AgencyKey = {
    agencyId,
    kid: keys.kid,
    use: 'sig',
    alg,
    publicJwk: keys.publicJwk,
    notBefore: NOW_SEC - 86_400,
    status: 'active',
    ...overrides,
  };
  const signerKey: SignerKey = { privateJwk: keys.privateJwk, kid: keys.kid, alg };
  return { agencyId, keys, record, signerKey, signer: createJwsSigner(signerKey) };
}

export function directoryOf(...agencies: readonly TestAgency[]): KeyDirectory {
  return new KeyDirectory(agencies.map((a) => a.record));
}

/** 20 disclosures: 3 subjects x (element, identity, fullName, dateOfBirth), 2 vehicles x (element, plate), 2 locations, narrative, caseRef. */
export const ALERT_PATHS: readonly string[] = [
  'narrative',
  'caseRef',
  'subjects[]',
  'subjects[].identity',
  'subjects[].identity.fullName',
  'subjects[].identity.dateOfBirth',
  'vehicles[]',
  'vehicles[].plate',
  'locations[]',
];

export function alertClaims(issuer: string, jti = 'msg-0001'): Record<string, unknown> {
  return {
    jti,
    iss: issuer,
    iat: NOW_SEC - 5,
    exp: NOW_SEC + 3600,
    liaison_type: 'VICTIM_AT_RISK',
    liaison_kind: 'alert',
    handling: { tlp: 'AMBER', code: 'H2', releasability: ['EU'] },
    urgency: 'IMMEDIATE',
    narrative: 'Two minors seen with the suspect at the bus terminal.',
    caseRef: 'NL-2025-0042',
    subjects: [
      {
        role: 'VICTIM',
        identity: { fullName: 'A. Example', dateOfBirth: '2009-04-01', nationality: 'MD' },
      },
      {
        role: 'VICTIM',
        identity: { fullName: 'B. Example', dateOfBirth: '2010-07-12', nationality: 'MD' },
      },
      {
        role: 'SUSPECT',
        identity: { fullName: 'C. Example', dateOfBirth: '1980-01-30', nationality: 'RO' },
      },
    ],
    vehicles: [
      { kind: 'van', plate: 'AB-123-CD' },
      { kind: 'car', plate: 'XY-987-ZW' },
    ],
    locations: [
      { country: 'NL', place: 'Rotterdam' },
      { country: 'BE', place: 'Antwerp' },
    ],
  };
}

/** An officer of `agencyId` with a key of their own, enrolled with `roles`. */
export interface TestOfficer extends TestAgency {
  readonly officerId: string;
  readonly enrolment: OfficerEnrolment;
}

export function enrolOfficer(
  agencyId: string,
  officerId: string,
  roles: readonly string[],
  overrides: Partial<OfficerEnrolment> = {},
): TestOfficer {
  const base = makeAgency(agencyId, 'EdDSA');
  const enrolment: OfficerEnrolment = {
    agencyId,
    officerId,
    kid: base.keys.kid,
    alg: 'EdDSA',
    publicJwk: base.keys.publicJwk,
    roles,
    status: 'active',
    enrolledAt: NOW_SEC - 3600,
    ...overrides,
  };
  return { ...base, officerId, enrolment };
}

const FIXTURE_ENVELOPE = new Set([
  'jti',
  'iss',
  'iat',
  'exp',
  'nbf',
  'liaison_type',
  'liaison_kind',
]);

/** Every path of a claims object in the `[]` convention (`subjects[].identity.fullName`). */
export function pathsOfClaims(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    out.add(`${prefix}[]`);
    for (const element of value) pathsOfClaims(element, `${prefix}[]`, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      out.add(path);
      pathsOfClaims(member, path, out);
    }
  }
  return out;
}

/** The ClaimShape of test claims: their own paths are the schema, `disclosable` the disclosures. */
export function shapeOfClaims(
  claims: Readonly<Record<string, unknown>>,
  disclosable: readonly string[],
): ClaimShape {
  const knownPaths = pathsOfClaims(claims);
  for (const name of FIXTURE_ENVELOPE) knownPaths.delete(name);
  return { envelopeClaims: FIXTURE_ENVELOPE, knownPaths, disclosablePaths: new Set(disclosable) };
}

/** The shape of alertClaims with ALERT_PATHS disclosable. */
export const ALERT_SHAPE: ClaimShape = shapeOfClaims(alertClaims('NL-KLPD'), ALERT_PATHS);
