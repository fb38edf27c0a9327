/**
 * Short-lived tokens: an agency (a machine: publisher, subscriber) authenticates
 * to the hub with a JWT signed by its own registered key (iss = agency id, aud =
 * the hub, exp - iat <= 300 s, jti checked against replay). An officer (a
 * person) authenticates with a token signed by their OWN enrolled key (iss =
 * agency, sub = officer, roles within the enrolment); an agency key never
 * vouches for an officer, and an agency token naming an officer is refused.
 * Explicit `typ` values keep one kind of token from being accepted as another
 * (RFC 8725 §3.11): an officer token is not an agency token, neither is a message.
 */
import {
  jsonPayloadOf,
  parseCompactJws,
  peekJsonPayload,
  signCompactJws,
  verifyParsedJws,
  type JwsSigner,
} from './compact-jws';
import { cryptoError, jwsRefused } from './crypto-error';
import { type SignatureKeyResolver, type VerificationKey } from './key-directory';
import { type OfficerDirectory } from './officer-directory';
import { assertNotReplayed, assertWellFormedJti, type JtiSeen } from './replay';
import { checkTimeClaims, nowSeconds, type Clock } from './time-claims';

export const AGENCY_TOKEN_TYP = 'liaison-agency+jwt';
export const OFFICER_TOKEN_TYP = 'liaison-officer+jwt';

export const OFFICER_ROLES = [
  'publisher',
  'subscriber',
  'liaison',
  'policy-author',
  'policy-approver',
  'officer-admin',
  'oversight',
  'admin',
] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

export interface TokenVerifyOptions {
  readonly directory: SignatureKeyResolver;
  /** Enrolled officer keys; without them every officer token is refused. */
  readonly officers?: OfficerDirectory;
  /** The hub's audience identifier. */
  readonly audience: string;
  readonly now: Clock;
  /** Default 300. */
  readonly maxLifetimeSec?: number;
  /** Default 30. */
  readonly clockSkewSec?: number;
  /** Default 8192. */
  readonly maxTokenBytes?: number;
  readonly seenJti: JtiSeen;
}

export interface VerifiedAgencyToken {
  readonly agencyId: string;
  readonly jti: string;
  readonly exp: number;
}

export interface VerifiedOfficerToken extends VerifiedAgencyToken {
  readonly officerId: string;
  /** The officer's enrolled key the token was signed with. */
  readonly kid: string;
  readonly roles: readonly OfficerRole[];
}

type KeyChoice = (agencyId: string, kid: unknown, iat: number) => VerificationKey;

async function verifyToken(
  jwt: string,
  typ: string,
  options: TokenVerifyOptions,
  chooseKey: KeyChoice = (agencyId, kid, iat) =>
    options.directory.resolveSignatureKey(agencyId, kid, iat, 'token'),
): Promise<{
  payload: Record<string, unknown>;
  agencyId: string;
  jti: string;
  exp: number;
  key: VerificationKey;
}> {
  const maxBytes = options.maxTokenBytes ?? 8192;
  if (typeof jwt !== 'string') throw jwsRefused('token', 'malformed', 'token is not a string');
  if (jwt.length > maxBytes) {
    throw jwsRefused('token', 'too-large', `token exceeds ${maxBytes} bytes`, { size: jwt.length });
  }
  const parsed = parseCompactJws(jwt, 'token');
  if (parsed.header.typ !== typ) throw jwsRefused('token', 'bad-typ', `typ must be ${typ}`);
  const unverified = peekJsonPayload(parsed.payloadBytes, 'token');
  const agencyId = unverified?.iss;
  const iat = unverified?.iat;
  if (typeof agencyId !== 'string' || typeof iat !== 'number') {
    throw jwsRefused('token', 'malformed', 'token needs iss and iat');
  }
  const key = chooseKey(agencyId, parsed.header.kid, iat);
  verifyParsedJws(parsed, key, 'token');
  const payload = jsonPayloadOf(parsed, 'token');
  const aud = payload.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(options.audience)) {
    throw cryptoError('token.wrong-audience', 'token is not for this audience', 'unauthenticated', {
      aud,
    });
  }
  const clockSkewSec = options.clockSkewSec ?? 30;
  const times = checkTimeClaims(
    payload,
    {
      now: options.now,
      clockSkewSec,
      requireExp: true,
      maxLifetimeSec: options.maxLifetimeSec ?? 300,
    },
    'token',
  );
  const exp = times.exp as number;
  const jti = payload.jti;
  assertWellFormedJti(jti, 'token');
  // Scope the replay key by issuer: jtis are only unique per agency.
  await assertNotReplayed(`${agencyId}:${jti}`, exp, options.seenJti, 'token');
  return { payload, agencyId, jti, exp, key };
}

export async function verifyAgencyToken(
  jwt: string,
  options: TokenVerifyOptions,
): Promise<VerifiedAgencyToken> {
  const { payload, agencyId, jti, exp } = await verifyToken(jwt, AGENCY_TOKEN_TYP, options);
  // Default deny: an agency (machine) token that names a person or claims roles is not
  // an officer credential and is refused rather than read as the agency alone.
  if (payload.sub !== undefined || payload.roles !== undefined) {
    throw cryptoError(
      'token.officer-claim-in-agency-token',
      'an agency token cannot name an officer or roles; officers sign with their own enrolled key',
      'unauthenticated',
    );
  }
  return { agencyId, jti, exp };
}

function isOfficerRole(value: unknown): value is OfficerRole {
  return typeof value === 'string' && (OFFICER_ROLES as readonly string[]).includes(value);
}

export async function verifyOfficerToken(
  jwt: string,
  options: TokenVerifyOptions,
): Promise<VerifiedOfficerToken> {
  const officers = options.officers;
  const { payload, agencyId, jti, exp, key } = await verifyToken(
    jwt,
    OFFICER_TOKEN_TYP,
    options,
    (issuer, kid, iat) => {
      // Default deny: only a key enrolled for an officer signs an officer token; an agency
      // key (or anything else) naming an officer is refused before the signature is checked.
      if (
        officers === undefined ||
        typeof kid !== 'string' ||
        officers.enrolmentByKid(issuer, kid) === undefined
      ) {
        throw cryptoError(
          'token.officer-key-required',
          "an officer token must be signed by the officer's own enrolled key",
          'unauthenticated',
          { agencyId: issuer },
        );
      }
      return officers.resolveOfficerKey(issuer, kid, iat, 'token');
    },
  );
  const enrolment = officers?.enrolmentByKid(agencyId, key.kid);
  const officerId = payload.sub;
  if (typeof officerId !== 'string' || officerId.length === 0 || officerId.length > 128) {
    throw cryptoError(
      'token.missing-sub',
      'officer token needs sub (officer id)',
      'unauthenticated',
    );
  }
  const roles = payload.roles;
  if (!Array.isArray(roles) || roles.length === 0) {
    throw cryptoError(
      'token.bad-roles',
      'officer token needs a non-empty roles array',
      'unauthenticated',
    );
  }
  for (const role of roles) {
    if (!isOfficerRole(role)) {
      throw cryptoError('token.unknown-role', `unknown role ${String(role)}`, 'forbidden', {
        role,
      });
    }
  }
  if (enrolment === undefined || enrolment.officerId !== officerId) {
    throw cryptoError(
      'token.officer-mismatch',
      `key ${key.kid} is enrolled for another officer than ${officerId}`,
      'unauthenticated',
      { agencyId, kid: key.kid },
    );
  }
  const beyond = roles.filter((role) => !enrolment.roles.includes(role as string));
  if (beyond.length > 0) {
    throw cryptoError(
      'token.role-not-enrolled',
      `officer ${officerId} is not enrolled for role(s) ${beyond.join(', ')}`,
      'forbidden',
      { agencyId, officerId, roles: beyond },
    );
  }
  return {
    agencyId,
    jti,
    exp,
    officerId,
    kid: key.kid,
    roles: [...new Set(roles as OfficerRole[])],
  };
}

export interface AgencyTokenRequest {
  readonly agencyId: string;
  readonly audience: string;
  readonly jti: string;
  readonly now: Clock;
  /** Default 300. */
  readonly lifetimeSec?: number;
}

export function signAgencyToken(request: AgencyTokenRequest, signer: JwsSigner): string {
  const iat = nowSeconds(request.now);
  return signCompactJws(
    {
      iss: request.agencyId,
      aud: request.audience,
      iat,
      exp: iat + (request.lifetimeSec ?? 300),
      jti: request.jti,
    },
    signer,
    { typ: AGENCY_TOKEN_TYP },
  );
}

export interface OfficerTokenRequest extends AgencyTokenRequest {
  readonly officerId: string;
  readonly roles: readonly OfficerRole[];
}

export function signOfficerToken(request: OfficerTokenRequest, signer: JwsSigner): string {
  const iat = nowSeconds(request.now);
  return signCompactJws(
    {
      iss: request.agencyId,
      sub: request.officerId,
      roles: request.roles,
      aud: request.audience,
      iat,
      exp: iat + (request.lifetimeSec ?? 300),
      jti: request.jti,
    },
    signer,
    { typ: OFFICER_TOKEN_TYP },
  );
}
