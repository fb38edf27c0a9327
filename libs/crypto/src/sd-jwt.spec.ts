/**
 * The fast path proven against the library: every token issued here is also
 * verified and decoded by @sd-jwt/core 0.19, and both must agree on the claims,
 * on which keys are disclosable, and on what each presentation reveals.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import fc from 'fast-check';
import { issueSdJwt } from './sd-jwt-issuer';
import { verifySdJwt, type VerifiedSdJwt } from './sd-jwt-verifier';
import { planPresentation, presentFor, verifyPresentation, withheldPathsOf } from './presentation';
import { KeyDirectory } from './key-directory';
import {
  ALERT_PATHS,
  ALERT_SHAPE,
  NOW_SEC,
  alertClaims,
  clock,
  directoryOf,
  makeAgency,
  shapeOfClaims,
  type TestAgency,
} from './spec-support/fixtures';
import { type ClaimShape } from './claim-shape';

const verifyOptions = (directory: KeyDirectory, shape: ClaimShape = ALERT_SHAPE) => ({
  directory,
  shape,
  now: clock,
  maxTokenBytes: 256 * 1024,
  clockSkewSec: 60,
  maxAgeSec: 600,
});

/** The library, with an independent signature check (no KeyDirectory involved). */
function libraryFor(agency: TestAgency): SDJwtInstance<Record<string, unknown>> {
  const key = createPublicKey({
    key: agency.keys.publicJwk as import('node:crypto').JsonWebKey,
    format: 'jwk',
  });
  return new SDJwtInstance<Record<string, unknown>>({
    hasher: digest,
    verifier: (data: string, signature: string) =>
      agency.record.alg === 'EdDSA'
        ? nodeVerify(null, Buffer.from(data), key, Buffer.from(signature, 'base64url'))
        : nodeVerify(
            'sha256',
            Buffer.from(data),
            { key, dsaEncoding: 'ieee-p1363' },
            Buffer.from(signature, 'base64url'),
          ),
  });
}

/** `subjects[2].identity.fullName` → `subjects.2.identity.fullName` (the library's key notation). */
function libraryKeyOf(concretePath: string): string {
  return concretePath.replace(/\[(\d+)\]/g, '.$1');
}

describe.each(['EdDSA', 'ES256'] as const)('SD-JWT with %s', (alg) => {
  const agency = makeAgency('NL-KLPD', alg);
  const directory = directoryOf(agency);
  const library = libraryFor(agency);
  let token: string;
  let verified: VerifiedSdJwt;

  beforeAll(async () => {
    token = await issueSdJwt({
      claims: alertClaims(agency.agencyId),
      disclosablePaths: ALERT_PATHS,
      signer: agency.signerKey,
    });
    verified = verifySdJwt(token, verifyOptions(directory));
  });

  it('issues 20 disclosures with typ sd+jwt, kid and _sd_alg sha-256, always-visible claims in clear', () => {
    expect(verified.disclosures).toHaveLength(20);
    expect(verified.header).toMatchObject({ typ: 'sd+jwt', alg, kid: agency.keys.kid });
    expect(verified.payload).toMatchObject({
      _sd_alg: 'sha-256',
      jti: 'msg-0001',
      iss: 'NL-KLPD',
      liaison_type: 'VICTIM_AT_RISK',
      handling: { tlp: 'AMBER' },
    });
    expect(verified.payload.narrative).toBeUndefined();
    expect(verified.withheld).toHaveLength(0);
  });

  it('reconstructs exactly the issued claims, as the library does', async () => {
    expect(verified.claims).toEqual(alertClaims(agency.agencyId));
    const fromLibrary = await library.verify(token, { currentDate: NOW_SEC });
    expect(fromLibrary.payload).toEqual(verified.claims);
  });

  it('names each disclosure by concrete and schema path, with its parent', () => {
    const byPath = new Map(verified.disclosures.map((d) => [d.concretePath, d]));
    const fullName = byPath.get('subjects[2].identity.fullName');
    expect(fullName?.schemaPath).toBe('subjects[].identity.fullName');
    expect(fullName?.value).toBe('C. Example');
    const identity = byPath.get('subjects[2].identity');
    expect(fullName?.parentIndex).toBe(identity?.index);
    expect(identity?.parentIndex).toBe(byPath.get('subjects[2]')?.index);
    expect(byPath.get('subjects[2]')?.parentIndex).toBeNull();
    expect(byPath.get('vehicles[1].plate')?.schemaPath).toBe('vehicles[].plate');
    expect(byPath.get('narrative')?.parentIndex).toBeNull();
  });

  it('has the same disclosable keys as the library', async () => {
    const libraryKeys = await library.presentableKeys(token);
    expect(verified.disclosures.map((d) => libraryKeyOf(d.concretePath)).sort()).toEqual(
      [...libraryKeys].sort(),
    );
  });

  it('presentations verify for the recipient and agree with the library', async () => {
    const victimsOut = verified.disclosures.filter(
      (d) => !d.concretePath.startsWith('subjects[0]') && !d.concretePath.startsWith('subjects[1]'),
    );
    const presentation = presentFor(
      verified,
      victimsOut.map((d) => d.index),
    );
    const seen = verifyPresentation(presentation, { directory, shape: ALERT_SHAPE, now: clock });
    expect(seen.issuer).toBe('NL-KLPD');
    expect(seen.withheldCount).toBe(2); // the two victim elements; their children are invisible
    expect(seen.claims.subjects).toEqual([(alertClaims('NL-KLPD').subjects as unknown[])[2]]);
    const fromLibrary = await library.verify(presentation, { currentDate: NOW_SEC });
    expect(fromLibrary.payload).toEqual(seen.claims);
    expect(
      withheldPathsOf(
        verified,
        victimsOut.map((d) => d.index),
      ).sort(),
    ).toEqual(
      verified.disclosures
        .filter((d) => !victimsOut.includes(d))
        .map((d) => d.concretePath)
        .sort(),
    );
  });

  it('drops a child whose parent is not presented, and reports it', () => {
    const byPath = new Map(verified.disclosures.map((d) => [d.concretePath, d.index]));
    const wanted = [
      byPath.get('subjects[1].identity.fullName') as number,
      byPath.get('narrative') as number,
    ];
    const plan = planPresentation(verified, wanted);
    expect(plan.presented).toEqual([byPath.get('narrative')]);
    expect(plan.droppedOrphans).toEqual([byPath.get('subjects[1].identity.fullName')]);
    const seen = verifyPresentation(presentFor(verified, wanted), {
      directory,
      shape: ALERT_SHAPE,
      now: clock,
    });
    expect(seen.disclosedPaths).toEqual(['narrative']);
    expect(seen.claims).not.toHaveProperty('subjects.1');
  });

  it('a recipient can verify with the JWKS alone', () => {
    const jwksOnly = KeyDirectory.fromJwks('NL-KLPD', directory.jwksOf('NL-KLPD'));
    const seen = verifyPresentation(presentFor(verified, []), {
      directory: jwksOnly,
      shape: ALERT_SHAPE,
      now: clock,
    });
    expect(seen.disclosedPaths).toEqual([]);
    expect(seen.claims).toMatchObject({ jti: 'msg-0001', handling: { code: 'H2' } });
    expect(seen.claims).not.toHaveProperty('narrative');
  });

  it('verifies disclosures in any order (order is not significant)', () => {
    const [jwt, ...rest] = token.split('~');
    const reordered = [jwt, ...rest.slice(0, -1).reverse(), ''].join('~');
    const again = verifySdJwt(reordered, verifyOptions(directory));
    expect(again.claims).toEqual(verified.claims);
  });
});

// ---- property: random claim objects, random disclosable paths, random presentations ----

const FIELD = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean());
const { value: jsonValue } = fc.letrec<{ value: unknown; obj: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    tie('obj'),
    fc.array(fc.oneof(scalar, tie('obj')), { maxLength: 3 }),
  ),
  obj: fc.dictionary(FIELD, tie('value'), { maxKeys: 4 }),
}));
const claimBody = fc.dictionary(FIELD, jsonValue, { minKeys: 1, maxKeys: 5 });

function schemaPathsOf(value: Record<string, unknown>, prefix = ''): string[] {
  const paths = new Set<string>();
  for (const [key, child] of Object.entries(value)) {
    const path = `${prefix}${key}`;
    paths.add(path);
    if (Array.isArray(child)) {
      paths.add(`${path}[]`);
      for (const element of child) {
        if (typeof element === 'object' && element !== null && !Array.isArray(element)) {
          schemaPathsOf(element as Record<string, unknown>, `${path}[].`).forEach((p) =>
            paths.add(p),
          );
        }
      }
    } else if (typeof child === 'object' && child !== null) {
      schemaPathsOf(child as Record<string, unknown>, `${path}.`).forEach((p) => paths.add(p));
    }
  }
  return [...paths];
}

describe('fast verifier vs @sd-jwt/core on random claims', () => {
  const agency = makeAgency('BE-FGP', 'EdDSA');
  const directory = directoryOf(agency);
  const library = libraryFor(agency);

  it('agrees on claims, disclosable keys and every presentation', async () => {
    await fc.assert(
      fc.asyncProperty(
        claimBody.chain((body) =>
          fc.record({
            body: fc.constant(body),
            paths: fc.subarray(schemaPathsOf(body)),
            pick: fc.array(fc.nat(), { maxLength: 30 }),
          }),
        ),
        async ({ body, paths, pick }) => {
          const claims = { ...body, jti: 'm-1', iss: 'BE-FGP', iat: NOW_SEC, exp: NOW_SEC + 60 };
          let token: string;
          try {
            token = await issueSdJwt({ claims, disclosablePaths: paths, signer: agency.signerKey });
          } catch (error) {
            // Heterogeneous arrays (a path that is an object in one element, a string in
            // another) are refused by design; such draws say nothing about verification.
            if ((error as { code?: string }).code === 'sdjwt.bad-path') return fc.pre(false);
            throw error;
          }
          const shape = shapeOfClaims(claims, paths);
          const verified = verifySdJwt(token, verifyOptions(directory, shape));
          expect(verified.claims).toEqual(claims);
          const fromLibrary = await library.verify(token, { currentDate: NOW_SEC });
          expect(fromLibrary.payload).toEqual(verified.claims);
          const libraryKeys = await library.presentableKeys(token);
          expect(verified.disclosures.map((d) => libraryKeyOf(d.concretePath)).sort()).toEqual(
            [...libraryKeys].sort(),
          );

          const count = verified.disclosures.length;
          const chosen = count === 0 ? [] : [...new Set(pick.map((n) => n % count))];
          const presentation = presentFor(verified, chosen);
          const seen = verifyPresentation(presentation, { directory, shape, now: clock });
          const libraryView = await library.verify(presentation, { currentDate: NOW_SEC });
          expect(libraryView.payload).toEqual(seen.claims);
          const plan = planPresentation(verified, chosen);
          expect(seen.disclosedPaths.length).toBe(plan.presented.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
