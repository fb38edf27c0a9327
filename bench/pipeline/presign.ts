/**
 * Publisher-side signing, done before anything is timed (it is the agencies'
 * cost, not the hub's): SD-JWTs built with issueSdJwt exactly as
 * apps/cli/src/message-signing.ts does. Runs as a helper process so two can
 * sign in parallel on the two cores.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  kindOf,
  parseMessage,
  type Message,
  type MessageKind,
  type Submission,
} from '@liaison/contracts';
import { issueSdJwt, type GeneratedAgencyKeys } from '@liaison/crypto';
import { disclosablePathsOf } from '@liaison/messages';
import { ROOT, serve, type Request } from './common';
import { selectorIndex, withSelectorsOf } from './selector-variety';

export interface SignedMessage {
  readonly messageId: string;
  readonly kind: MessageKind;
  readonly originatorAgency: string;
  readonly caseRef: string | null;
  readonly sdJwt: string;
  readonly signedAt: string;
}

const ALERT_TEMPLATES = [
  'alert-document-fraud',
  'alert-financial-pattern',
  'alert-missing-person',
  'alert-recruitment-advert',
  'alert-suspect-movement',
  'alert-trafficking-route',
  'alert-victim-at-risk',
];

/** The 7 alert examples of schemas/examples, the bench's message templates. */
export function alertTemplates(): Record<string, unknown>[] {
  return ALERT_TEMPLATES.map(
    (name) =>
      JSON.parse(
        readFileSync(path.join(ROOT, 'schemas/examples', `${name}.json`), 'utf8'),
      ) as Record<string, unknown>,
  );
}

/** The Submission the gateway would write for a pre-signed message. */
export function submissionOf(m: SignedMessage): Submission {
  return {
    messageId: m.messageId,
    kind: m.kind,
    originatorAgency: m.originatorAgency,
    sdJwt: m.sdJwt,
    custodial: false,
    receivedAt: m.signedAt,
    idempotencyKey: null,
    caseRef: m.caseRef,
    correlationId: `bench-${m.messageId}`,
    releaseOf: null,
  };
}

export interface Publisher {
  readonly agencyId: string;
  readonly signing: GeneratedAgencyKeys;
}

/**
 * An example message made into one the bench world shares with every recipient:
 * the publisher as originator, a fresh message id, TLP AMBER / H1, no
 * originator restriction (RED and AMBER+STRICT go to named recipients only) and
 * the selector values of `selectorValues` (see selector-variety.ts).
 */
export function benchMessage(
  template: Record<string, unknown>,
  originatorAgency: string,
  selectorValues: number,
): Record<string, unknown> {
  const handling = { ...(template.handling as Record<string, unknown>) };
  handling.tlp = 'AMBER';
  handling.handlingCode = 'H1';
  handling.releasableTo = [];
  handling.namedRecipients = [];
  return {
    ...withSelectorsOf(template, selectorValues),
    messageId: randomUUID(),
    originatorAgency,
    handling,
  };
}

export async function signOne(
  publisher: Publisher,
  json: Record<string, unknown>,
): Promise<SignedMessage> {
  const kind = kindOf(json as unknown as Message);
  parseMessage(kind, json);
  const iat = Math.floor(Date.now() / 1000);
  const signing = publisher.signing;
  const sdJwt = await issueSdJwt({
    claims: {
      ...json,
      jti: json.messageId,
      iss: publisher.agencyId,
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
  return {
    messageId: String(json.messageId),
    kind,
    originatorAgency: publisher.agencyId,
    caseRef: typeof json.caseRef === 'string' ? json.caseRef : null,
    sdJwt,
    signedAt: new Date(iat * 1000).toISOString(),
  };
}

if (require.main === module) {
  serve({
    /** Signs `count` messages, cycling through templates and publishers from `offset`. */
    async sign(req: Request) {
      const templates = req.templates as Record<string, unknown>[];
      const publishers = req.publishers as Publisher[];
      const out: SignedMessage[] = [];
      for (let i = 0; i < Number(req.count); i++) {
        const n = Number(req.offset) + i;
        const template = templates[n % templates.length] as Record<string, unknown>;
        const publisher = publishers[n % publishers.length] as Publisher;
        const values = selectorIndex(n, templates.length);
        out.push(await signOne(publisher, benchMessage(template, publisher.agencyId, values)));
      }
      return out;
    },
  });
}
