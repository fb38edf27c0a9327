/**
 * Short-lived tokens: an agency authenticates to the hub with a JWT signed by
 * its own registered key (iss = agency id, aud = the hub, exp - iat <= 300 s,
 * jti checked against replay); an officer is vouched for by a token the agency
 * key signs, naming the officer (`sub`) and roles.
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
import { type SignatureKeyResolver } from './key-directory';
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
  'oversight',
  'admin',
] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

export interface TokenVerifyOptions {
  readonly directory: SignatureKeyResolver;
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
  readonly roles: readonly OfficerRole[];
}

async function verifyToken(
  jwt: string,
  typ: string,
  options: TokenVerifyOptions,
): Promise<{ payload: Record<string, unknown>; agencyId: string; jti: string; exp: number }> {
  const maxBytes = options.maxTokenBytes ?? 8192;
  if (typeof jwt !== 'string') throw jwsRefused('token', 'malformed', 'token is not a string');
  if (jwt.length > maxBytes) {
    throw jwsRefused('token', 'too-large', `token exceeds ${maxBytes} bytes`, { size: jwt.length });
  }
  const parsed = parseCompactJws(jwt, 'token');
  if (parsed.header.typ !== typ) throw jwsRefused('token', 'bad-typ', `typ must be ${typ}`);
  const unverified = peekJsonPayload(parsed.payloadBytes);
  const agencyId = unverified?.iss;
  const iat = unverified?.iat;
  if (typeof agencyId !== 'string' || typeof iat !== 'number') {
    throw jwsRefused('token', 'malformed', 'token needs iss and iat');
  }
  verifyParsedJws(
    parsed,
    options.directory.resolveSignatureKey(agencyId, parsed.header.kid, iat, 'token'),
    'token',
  );
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
  return { payload, agencyId, jti, exp };
}

export async function verifyAgencyToken(
  jwt: string,
  options: TokenVerifyOptions,
): Promise<VerifiedAgencyToken> {
  const { agencyId, jti, exp } = await verifyToken(jwt, AGENCY_TOKEN_TYP, options);
  return { agencyId, jti, exp };
}

function isOfficerRole(value: unknown): value is OfficerRole {
  return typeof value === 'string' && (OFFICER_ROLES as readonly string[]).includes(value);
}

export async function verifyOfficerToken(
  jwt: string,
  options: TokenVerifyOptions,
): Promise<VerifiedOfficerToken> {
  const { payload, agencyId, jti, exp } = await verifyToken(jwt, OFFICER_TOKEN_TYP, options);
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
  return { agencyId, jti, exp, officerId, roles: [...new Set(roles as OfficerRole[])] };
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
