/** Signs a message as its originator: an SD-JWT whose disclosable fields come from the schema. */
import { kindOf, parseMessage, type Message, type MessageKind } from '@liaison/contracts';
import { issueSdJwt } from '@liaison/crypto';
import { disclosablePathsOf } from '@liaison/messages';
import type { AgencyIdentity } from './agency-identity';

export function kindOfJson(json: Record<string, unknown>): MessageKind {
  return kindOf(json as unknown as Message);
}

export async function signMessage(
  identity: AgencyIdentity,
  json: Record<string, unknown>,
): Promise<{ kind: MessageKind; sdJwt: string }> {
  const kind = kindOfJson(json);
  parseMessage(kind, json); // fail here, with the field named, rather than at the hub
  const iat = Math.floor(Date.now() / 1000);
  const signing = identity.keys.signing;
  const sdJwt = await issueSdJwt({
    claims: {
      ...json,
      jti: json.messageId,
      iss: identity.agencyId,
      iat,
      exp: iat + 3600,
      liaison_kind: kind,
    },
    disclosablePaths: disclosablePathsOf(kind),
    signer: {
      privateJwk: signing.privateJwk,
      kid: signing.kid,
      alg: signing.alg === 'ES256' ? 'ES256' : 'EdDSA',
    },
  });
  return { kind, sdJwt };
}

export function publishPath(kind: MessageKind): string {
  return kind === 'ALERT' ? '/v1/alerts' : '/v1/case-notices';
}
