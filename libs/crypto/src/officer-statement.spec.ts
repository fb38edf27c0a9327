import * as fc from 'fast-check';
import { isDomainError } from '@liaison/errors';
import { canonicalJson } from './canonical-json';
import { signCompactJws } from './compact-jws';
import { OfficerDirectory } from './officer-directory';
import {
  STATEMENT_TYP,
  auditReadStatement,
  isJustification,
  newStatement,
  signOfficerStatement,
  verifyOfficerStatement,
  type OfficerStatement,
} from './officer-statement';
import { NOW_SEC, clock, enrolOfficer, makeAgency } from './spec-support/fixtures';

const anna = enrolOfficer('nl-knp', 'anna', ['policy-author']);
const bert = enrolOfficer('nl-knp', 'bert', ['policy-approver']);
const gone = enrolOfficer('nl-knp', 'gone', ['policy-approver'], {
  status: 'revoked',
  revokedAt: NOW_SEC - 10,
});
const agency = makeAgency('nl-knp');
const officers = new OfficerDirectory([anna.enrolment, bert.enrolment, gone.enrolment]);
const live = { officers, mode: 'live' as const, now: clock };

const statement = (patch: Partial<OfficerStatement> = {}): OfficerStatement => ({
  ...newStatement({
    iss: 'nl-knp',
    sub: 'anna',
    act: 'policy.draft',
    subject: 'policy:NL',
    claims: { documentDigest: 'ab'.repeat(32) },
    jti: 'st-1',
    now: clock,
  }),
  ...patch,
});

/** The same members, sub first: valid JSON, not the canonical bytes. */
const reordered = (s: OfficerStatement): Record<string, unknown> => ({
  sub: s.sub,
  iss: s.iss,
  act: s.act,
  subject: s.subject,
  claims: s.claims,
  iat: s.iat,
  jti: s.jti,
});

function codeOf(action: () => unknown): string {
  try {
    action();
    return 'ACCEPTED';
  } catch (error) {
    return isDomainError(error) ? error.code : `thrown: ${(error as Error).message}`;
  }
}

describe('officer statements', () => {
  it("round-trips: the payload is the statement's canonical JSON, signed by the officer's key", () => {
    const jws = signOfficerStatement(statement(), anna.signer);
    const payload = Buffer.from(jws.split('.')[1] as string, 'base64url').toString('utf8');
    expect(payload).toBe(canonicalJson(statement()));
    const verified = verifyOfficerStatement(jws, live);
    expect(verified.statement).toEqual(statement());
    expect(verified.kid).toBe(anna.keys.kid);
  });

  const refusals: [string, () => unknown, string][] = [
    [
      'signed by the agency key in the officer name',
      () => verifyOfficerStatement(signOfficerStatement(statement(), agency.signer), live),
      'statement.officer-key-required',
    ],
    [
      "signed by another officer's key in this officer's name",
      () => verifyOfficerStatement(signOfficerStatement(statement(), bert.signer), live),
      'statement.officer-mismatch',
    ],
    [
      'by a revoked officer',
      () =>
        verifyOfficerStatement(signOfficerStatement(statement({ sub: 'gone' }), gone.signer), live),
      'statement.revoked-key',
    ],
    [
      'stale (iat an hour ago)',
      () =>
        verifyOfficerStatement(
          signOfficerStatement(statement({ iat: NOW_SEC - 3600 }), anna.signer),
          live,
        ),
      'statement.stale',
    ],
    [
      'payload not canonical (same members, other order)',
      () =>
        verifyOfficerStatement(
          signCompactJws(reordered(statement()), anna.signer, { typ: STATEMENT_TYP }),
          live,
        ),
      'statement.malformed',
    ],
    [
      'an unknown member',
      () =>
        verifyOfficerStatement(
          signCompactJws(JSON.parse(canonicalJson({ ...statement(), extra: 1 })), anna.signer, {
            typ: STATEMENT_TYP,
          }),
          live,
        ),
      'statement.malformed',
    ],
    [
      'a token typ instead of a statement',
      () =>
        verifyOfficerStatement(
          signCompactJws(JSON.parse(canonicalJson(statement())), anna.signer, {
            typ: 'liaison-officer+jwt',
          }),
          live,
        ),
      'statement.bad-typ',
    ],
    [
      'an unknown act',
      () => signOfficerStatement(statement({ act: 'policy.delete' as never }), anna.signer),
      'statement.malformed',
    ],
    [
      'a claim named __proto__',
      () =>
        signOfficerStatement(
          statement({ claims: JSON.parse('{"__proto__": "x"}') as never }),
          anna.signer,
        ),
      'statement.malformed',
    ],
  ];

  it.each(refusals)('refuses a statement %s', (_name, action, code) => {
    expect(codeOf(action)).toBe(code);
  });

  it("history mode verifies a revoked officer's earlier statement with the key they held", () => {
    const jws = signOfficerStatement(statement({ sub: 'gone' }), gone.signer);
    expect(verifyOfficerStatement(jws, { officers, mode: 'history' }).statement.sub).toBe('gone');
  });

  it('any change to the signed bytes is refused (property)', () => {
    const jws = signOfficerStatement(statement(), anna.signer);
    const [h, p, sig] = jws.split('.') as [string, string, string];
    const payload = Buffer.from(p, 'base64url');
    fc.assert(
      fc.property(
        fc.nat({ max: payload.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, flip) => {
          const changed = Buffer.from(payload);
          changed[at] = (changed[at] as number) ^ flip;
          const forged = `${h}.${changed.toString('base64url')}.${sig}`;
          return codeOf(() => verifyOfficerStatement(forged, live)) !== 'ACCEPTED';
        },
      ),
      { seed: 18, numRuns: 200 },
    );
  });
});

describe('auditReadStatement: one statement reads one request', () => {
  const base = auditReadStatement('GET', '/v1/audit/records?caseRef=NL-1&limit=5', 'case NL-1');

  it('names the method and path in the subject, the justification and the request digest in the claims', () => {
    expect(base.act).toBe('audit.read');
    expect(base.subject).toBe('audit:GET /v1/audit/records');
    expect(base.claims.justification).toBe('case NL-1');
    expect(base.claims.request).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['another query value', 'GET', '/v1/audit/records?caseRef=NL-2&limit=5'],
    ['another query order', 'GET', '/v1/audit/records?limit=5&caseRef=NL-1'],
    ['no query', 'GET', '/v1/audit/records'],
    ['another method', 'POST', '/v1/audit/records?caseRef=NL-1&limit=5'],
  ])('binds %s to another request digest', (_name, method, target) => {
    expect(auditReadStatement(method, target, 'case NL-1').claims.request).not.toBe(
      base.claims.request,
    );
  });

  it.each([
    ['', false],
    [' padded ', false],
    ['x'.repeat(501), false],
    ['case NL-1', true],
    [42, false],
  ])('isJustification(%j) is %s', (value, ok) => {
    expect(isJustification(value)).toBe(ok);
  });
});
