/**
 * Signed statements: what an officer does that must stay attributable to them
 * (a policy draft, an approval, a rejection with its reason, an audit read with
 * its justification) is a compact JWS by the officer's OWN enrolled key over the
 * canonical JSON (RFC 8785 for these values) of the statement:
 *
 *   { act, claims, iat, iss (agency), jti, sub (officer), subject }
 *
 * header { typ: "liaison-statement+jws", alg, kid }. The payload bytes must BE
 * the canonical form (one encoding per statement, so the stored JWS is the
 * statement). The hub verifies it against the officer's enrolment, checks it
 * names the very act and subject of the request, and keeps it in the officer
 * statement log (docs/adr/0009-officer-keys-and-signed-statements.md).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { parseCompactJws, signCompactJws, verifyParsedJws, type JwsSigner } from './compact-jws';
import { cryptoError, jwsRefused } from './crypto-error';
import { type OfficerDirectory, type OfficerEnrolment } from './officer-directory';
import { nowSeconds, type Clock } from './time-claims';
import { parseStrictJson } from './strict-json';

export const STATEMENT_TYP = 'liaison-statement+jws';

export const STATEMENT_ACTS = [
  'policy.draft',
  'policy.approve',
  'policy.reject',
  'audit.read',
] as const;
export type StatementAct = (typeof STATEMENT_ACTS)[number];

/** Act-specific members: short strings, safe integers or null only. */
export type StatementClaims = Readonly<Record<string, string | number | null>>;

export interface OfficerStatement {
  readonly iss: string;
  readonly sub: string;
  readonly act: StatementAct;
  readonly subject: string;
  readonly claims: StatementClaims;
  readonly iat: number;
  readonly jti: string;
}

export interface VerifiedStatement {
  readonly statement: OfficerStatement;
  readonly kid: string;
  readonly enrolment: OfficerEnrolment;
}

const MAX_STATEMENT_BYTES = 8192;
const MAX_TEXT = 1000;
const MAX_CLAIMS = 16;
const JTI = /^[A-Za-z0-9._:-]{1,128}$/;
const CLAIM_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,31}$/;

/** Lowercase hex SHA-256 of a value's canonical JSON (e.g. a policy document as submitted). */
export function canonicalDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

function malformed(reason: string): Error {
  return jwsRefused('statement', 'malformed', `statement ${reason}`);
}

function checkClaims(value: unknown): StatementClaims {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed('claims must be an object');
  const entries = Object.entries(value);
  if (entries.length > MAX_CLAIMS) throw malformed('has too many claims');
  const out: Record<string, string | number | null> = Object.create(null) as Record<
    string,
    string | number | null
  >;
  for (const [name, v] of entries) {
    if (!CLAIM_NAME.test(name)) throw malformed(`claim name ${JSON.stringify(name)} refused`);
    if (!(v === null || (typeof v === 'string' && v.length <= MAX_TEXT) || Number.isSafeInteger(v)))
      throw malformed(`claim ${name} must be a string of at most ${MAX_TEXT}, an integer or null`);
    out[name] = v as string | number | null;
  }
  return out;
}

/** The statement's shape, from a parsed payload (unknown members refused). */
export function statementOf(payload: unknown): OfficerStatement {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw malformed('payload is not an object');
  const p = payload as Record<string, unknown>;
  const known = ['act', 'claims', 'iat', 'iss', 'jti', 'sub', 'subject'];
  for (const name of Object.keys(p)) if (!known.includes(name)) throw malformed(`member ${name}`);
  const { iss, sub, act, subject, iat, jti } = p;
  if (typeof iss !== 'string' || iss.length === 0 || iss.length > 64) throw malformed('iss');
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 64) throw malformed('sub');
  if (typeof act !== 'string' || !(STATEMENT_ACTS as readonly string[]).includes(act))
    throw malformed('act');
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_TEXT)
    throw malformed('subject');
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat) || iat < 0) throw malformed('iat');
  if (typeof jti !== 'string' || !JTI.test(jti)) throw malformed('jti');
  return { iss, sub, act: act as StatementAct, subject, claims: checkClaims(p.claims), iat, jti };
}

/** Signs a statement with the officer's key; the payload is its canonical JSON. */
export function signOfficerStatement(statement: OfficerStatement, signer: JwsSigner): string {
  const checked = statementOf({ ...statement, claims: { ...statement.claims } });
  // JSON.parse of canonical text keeps its (sorted) member order; stringify writes it back as is.
  const canonical = JSON.parse(canonicalJson(checked)) as unknown;
  return signCompactJws(canonical, signer, { typ: STATEMENT_TYP });
}

/** A statement for `act` on `subject`, issued now with a fresh jti. */
export function newStatement(
  input: Omit<OfficerStatement, 'iat' | 'jti'> & { jti: string; now: Clock },
): OfficerStatement {
  return {
    iss: input.iss,
    sub: input.sub,
    act: input.act,
    subject: input.subject,
    claims: input.claims,
    iat: nowSeconds(input.now),
    jti: input.jti,
  };
}

export interface StatementVerifyOptions {
  readonly officers: OfficerDirectory;
  /**
   * 'live': the key must be enrolled and active now and the statement fresh
   * (the hub, before it records one). 'history': the key the statement names,
   * whatever its status now (verifying the log later; the log's order says the
   * statement was recorded while the key was active).
   */
  readonly mode: 'live' | 'history';
  readonly now?: Clock;
  /** Live mode: how far iat may be from now, seconds. Default 300. */
  readonly maxSkewSec?: number;
}

export function verifyOfficerStatement(
  jws: string,
  options: StatementVerifyOptions,
): VerifiedStatement {
  if (typeof jws !== 'string') throw malformed('is not a string');
  if (jws.length > MAX_STATEMENT_BYTES) {
    throw jwsRefused('statement', 'too-large', `statement exceeds ${MAX_STATEMENT_BYTES} bytes`);
  }
  const parsed = parseCompactJws(jws, 'statement');
  if (parsed.header.typ !== STATEMENT_TYP)
    throw jwsRefused('statement', 'bad-typ', `typ must be ${STATEMENT_TYP}`);
  const text = parsed.payloadBytes.toString('utf8');
  let payload: unknown;
  try {
    payload = parseStrictJson(text);
  } catch {
    throw malformed('payload is not strict JSON');
  }
  const statement = statementOf(payload);
  if (canonicalJson(statement) !== text) throw malformed('payload is not in canonical form');
  const kid = parsed.header.kid;
  if (typeof kid !== 'string') throw malformed('header has no kid');
  const officers = options.officers;
  const enrolment = officers.enrolmentByKid(statement.iss, kid);
  if (enrolment === undefined) {
    throw cryptoError(
      'statement.officer-key-required',
      "a statement must be signed by the officer's own enrolled key",
      'unauthenticated',
      { agencyId: statement.iss },
    );
  }
  if (options.mode === 'live') {
    verifyParsedJws(
      parsed,
      officers.resolveOfficerKey(statement.iss, kid, statement.iat, 'statement'),
      'statement',
    );
    const now = nowSeconds(options.now ?? Date.now);
    const skew = options.maxSkewSec ?? 300;
    if (Math.abs(now - statement.iat) > skew) {
      throw cryptoError(
        'statement.stale',
        `statement iat is more than ${skew} s from now`,
        'unauthenticated',
        {
          iat: statement.iat,
          now,
        },
      );
    }
  } else {
    const key = officers.keyForHistory(statement.iss, kid);
    if (key === undefined) throw malformed('names an unknown key');
    verifyParsedJws(parsed, key, 'statement');
  }
  if (enrolment.officerId !== statement.sub) {
    throw cryptoError(
      'statement.officer-mismatch',
      `key ${kid} is enrolled for another officer than ${statement.sub}`,
      'unauthenticated',
      { agencyId: statement.iss, kid },
    );
  }
  return { statement, kid, enrolment };
}

/** The longest justification an officer may give for an audit read. */
export const MAX_JUSTIFICATION = 500;

/** The subject of a console session's justification (it covers that session's reads). */
export const CONSOLE_SESSION_SUBJECT = 'console-session';

/** What an officer's statement must say: act, subject and claims. */
export interface StatementExpectation {
  readonly act: StatementAct;
  readonly subject: string;
  readonly claims: StatementClaims;
}

/** A justification as the hub keeps it: trimmed, 1 to MAX_JUSTIFICATION characters. */
export function isJustification(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.trim() === value &&
    value.length > 0 &&
    value.length <= MAX_JUSTIFICATION
  );
}

/**
 * SHA-256 (lowercase hex) of `METHOD SP request-target`, the target being the
 * path and query exactly as sent (`/v1/audit/records?caseRef=X&limit=10`).
 */
export function auditRequestDigest(method: string, target: string): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${target}`, 'utf8').digest('hex');
}

/**
 * The audit.read statement for one request: subject `audit:GET /v1/audit/...`
 * (method and path, readable in the log), claims the justification and the
 * digest of method, path and query (so a statement reads exactly one request).
 */
export function auditReadStatement(
  method: string,
  target: string,
  justification: string,
): StatementExpectation {
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  return {
    act: 'audit.read',
    subject: `audit:${method.toUpperCase()} ${path}`,
    claims: { justification, request: auditRequestDigest(method, target) },
  };
}

/** The audit.read statement a console session holds: its justification covers the session's reads. */
export function consoleJustificationStatement(justification: string): StatementExpectation {
  return { act: 'audit.read', subject: CONSOLE_SESSION_SUBJECT, claims: { justification } };
}
