/**
 * Issue 18 §1 and §4 (duplicate names): SD-JWTs whose originator's signature
 * would undo the hub's redaction, refused with their own code by the hub's
 * verifier (verifySdJwt + the message kind's shape, as gateway and worker call
 * it) and by the recipient's (verifyPresentation, as `liaison verify` calls it).
 * One table per class; every token is validly signed by the originator.
 */
import { type MessageKind } from '@liaison/contracts';
import {
  verifyPresentation,
  verifySdJwt,
  type PresentationVerifyOptions,
  type SdJwtVerifyOptions,
} from '@liaison/crypto';
import {
  RawJson,
  craftDisclosure,
  craftSdJwt,
  digestOf,
  discloseInto,
  openSdJwt,
  resignSdJwt,
  type OpenedSdJwt,
} from '../../crypto/src/testing/sd-jwt-crafting';
import {
  analyseMessage,
  disclosablePathsOf,
  messageJsonOf,
  submissionClaimShape,
} from './message-analysis';
import {
  claimsOf,
  exampleSigners,
  hubVerifyOptions,
  loadExamples,
  recipientVerifyOptions,
  signClaims,
} from './testing/signed-examples';

const examples = loadExamples();
const signers = exampleSigners([...new Set(examples.map((e) => String(e.json.originatorAgency)))]);
const victimAlert = examples.find((e) => e.file === 'alert-victim-at-risk.json');
if (!victimAlert) throw new Error('alert-victim-at-risk.json is missing');
const KIND: MessageKind = 'ALERT';
const ORIGINATOR = String(victimAlert.json.originatorAgency);
const signer = signers.signerOf(ORIGINATOR);

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'ACCEPTED';
}

const hub: SdJwtVerifyOptions = hubVerifyOptions(signers.directory, KIND);
const recipient: PresentationVerifyOptions = recipientVerifyOptions(signers.directory);

const honest = (paths?: readonly string[]): Promise<string> =>
  signClaims(signers, KIND, claimsOf(victimAlert.json, KIND), paths);

const tampered = async (mutate: (opened: OpenedSdJwt) => void): Promise<string> =>
  resignSdJwt(await honest(), signer, mutate);

/** The encoded disclosure of `subjects[index]` (its array-element disclosure). */
function subjectDisclosure(opened: OpenedSdJwt, index: number): { encoded: string; at: number } {
  const slot = (opened.payload.subjects as { '...': string }[])[index];
  const at = opened.disclosures.findIndex((d) => digestOf(d) === slot?.['...']);
  const encoded = opened.disclosures[at];
  if (encoded === undefined) throw new Error('subject disclosure not found');
  return { encoded, at };
}

/** Replaces the value of subjects[index]'s disclosure and its digest in the payload. */
function rewriteSubject(
  opened: OpenedSdJwt,
  index: number,
  change: (subject: Record<string, unknown>) => void,
): void {
  const { encoded, at } = subjectDisclosure(opened, index);
  const [, value] = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as [
    string,
    Record<string, unknown>,
  ];
  change(value);
  const replacement = craftDisclosure(undefined, value);
  opened.disclosures[at] = replacement;
  (opened.payload.subjects as { '...': string }[])[index] = { '...': digestOf(replacement) };
}

type Case = readonly [label: string, expected: string, token: () => Promise<string>];

const cases: Case[] = [
  // ---- names that reach the prototype
  [
    'a disclosure named __proto__ carrying a narrative',
    'sdjwt.forbidden-claim-name',
    () =>
      tampered((o) =>
        discloseInto(o, o.payload, '__proto__', { narrative: 'through the prototype' }),
      ),
  ],
  [
    'a disclosure named constructor',
    'sdjwt.forbidden-claim-name',
    () => tampered((o) => discloseInto(o, o.payload, 'constructor', { name: 'x' })),
  ],
  [
    'a plain claim named prototype',
    'sdjwt.forbidden-claim-name',
    () => tampered((o) => (o.payload.prototype = { narrative: 'x' })),
  ],
  [
    'a plain member __proto__ (raw JSON) in the payload',
    'sdjwt.forbidden-claim-name',
    async () => {
      const o = openSdJwt(await honest());
      const text = JSON.stringify(o.payload).replace(
        /^\{/,
        '{"__proto__":{"narrative":"through the prototype"},',
      );
      return craftSdJwt(signer, new RawJson(text), o.disclosures, o.header);
    },
  ],
  [
    '__proto__ nested inside a subject disclosure',
    'sdjwt.forbidden-claim-name',
    async () => {
      const o = openSdJwt(await honest());
      const { encoded, at } = subjectDisclosure(o, 0);
      const text = Buffer.from(encoded, 'base64url')
        .toString('utf8')
        .replace('"role"', '"__proto__":{"minor":false},"role"');
      const replacement = Buffer.from(text).toString('base64url');
      o.disclosures[at] = replacement;
      (o.payload.subjects as { '...': string }[])[0] = { '...': digestOf(replacement) };
      return craftSdJwt(signer, o.payload, o.disclosures, o.header);
    },
  ],
  // ---- disclosable fields signed in clear
  [
    'narrative signed as a plain claim',
    'sdjwt.disclosable-in-clear',
    () => honest(disclosablePathsOf(KIND).filter((p) => p !== 'narrative')),
  ],
  [
    "a minor's identity signed in clear inside the subject",
    'sdjwt.disclosable-in-clear',
    () => honest(disclosablePathsOf(KIND).filter((p) => !p.startsWith('subjects[].identity'))),
  ],
  [
    'subjects as plain array elements',
    'sdjwt.disclosable-in-clear',
    () => honest(disclosablePathsOf(KIND).filter((p) => p !== 'subjects[]')),
  ],
  [
    'lastSeen in clear inside a disclosed subject',
    'sdjwt.disclosable-in-clear',
    () =>
      tampered((o) =>
        rewriteSubject(o, 0, (s) => {
          s._sd = (s._sd as string[]).slice(1);
          s.lastSeen = { locationType: 'ADDRESS', country: 'NL' };
        }),
      ),
  ],
  [
    'no disclosures at all: the whole message in clear',
    'sdjwt.disclosable-in-clear',
    () => honest([]),
  ],
  // ---- names outside the schema
  [
    'an unknown plain claim at the root',
    'sdjwt.unknown-claim',
    () => tampered((o) => (o.payload.shoeSize = 42)),
  ],
  [
    'an unknown disclosure at the root',
    'sdjwt.unknown-claim',
    () => tampered((o) => discloseInto(o, o.payload, 'nickname', 'Mara')),
  ],
  [
    'an unknown member inside a subject',
    'sdjwt.unknown-claim',
    () => tampered((o) => rewriteSubject(o, 1, (s) => (s.shoeSize = 44))),
  ],
  [
    'an unknown member inside handling',
    'sdjwt.unknown-claim',
    () => tampered((o) => ((o.payload.handling as Record<string, unknown>).releasableToAll = true)),
  ],
  // ---- disclosures where the schema says always visible
  [
    'urgency sent as a disclosure',
    'sdjwt.not-disclosable',
    () =>
      tampered((o) => {
        const urgency = o.payload.urgency;
        delete o.payload.urgency;
        discloseInto(o, o.payload, 'urgency', urgency);
      }),
  ],
  [
    'exp (an envelope claim) sent as a disclosure',
    'sdjwt.not-disclosable',
    () =>
      tampered((o) => {
        const exp = o.payload.exp;
        delete o.payload.exp;
        discloseInto(o, o.payload, 'exp', exp);
      }),
  ],
  // ---- duplicate JSON member names
  [
    'duplicate iss in the payload',
    'sdjwt.duplicate-member',
    async () => {
      const o = openSdJwt(await honest());
      const text = JSON.stringify(o.payload).replace(/^\{/, '{"iss":"de-bka",');
      return craftSdJwt(signer, new RawJson(text), o.disclosures, o.header);
    },
  ],
  [
    'duplicate iss, one of them escaped',
    'sdjwt.duplicate-member',
    async () => {
      const o = openSdJwt(await honest());
      const text = JSON.stringify(o.payload).replace(/^\{/, '{"\\u0069ss":"de-bka",');
      return craftSdJwt(signer, new RawJson(text), o.disclosures, o.header);
    },
  ],
  [
    'duplicate alg in the header',
    'sdjwt.duplicate-member',
    async () => {
      const o = openSdJwt(await honest());
      const header = JSON.stringify(o.header).replace(/^\{/, '{"alg":"ES256",');
      return craftSdJwt(signer, o.payload, o.disclosures, new RawJson(header));
    },
  ],
  [
    'duplicate member inside a disclosure value',
    'sdjwt.duplicate-member',
    async () => {
      const o = openSdJwt(await honest());
      const { encoded, at } = subjectDisclosure(o, 0);
      const text = Buffer.from(encoded, 'base64url')
        .toString('utf8')
        .replace('"role":"VICTIM"', '"role":"SUSPECT","role":"VICTIM"');
      const replacement = Buffer.from(text).toString('base64url');
      o.disclosures[at] = replacement;
      (o.payload.subjects as { '...': string }[])[0] = { '...': digestOf(replacement) };
      return craftSdJwt(signer, o.payload, o.disclosures, o.header);
    },
  ],
];

describe('SD-JWT structure at the hub and at the recipient (issue 18)', () => {
  it('an honest token of every example verifies at both, with null-prototype claims', async () => {
    for (const example of examples) {
      const claims = claimsOf(example.json, example.kind);
      const token = await signClaims(signers, example.kind, claims);
      const verified = verifySdJwt(token, hubVerifyOptions(signers.directory, example.kind));
      expect(JSON.parse(JSON.stringify(verified.claims))).toEqual(
        JSON.parse(JSON.stringify(claims)),
      );
      expect(Object.getPrototypeOf(verified.claims)).toBeNull();
      expect(Object.getPrototypeOf(verified.claims.handling)).toBeNull();
      expect(Object.getPrototypeOf(messageJsonOf(verified.claims))).toBeNull();
      expect(analyseMessage(verified, example.kind, 'NL').message.messageId).toBe(
        example.json.messageId,
      );
      expect(
        codeOf(() => verifyPresentation(token, recipientVerifyOptions(signers.directory))),
      ).toBe('ACCEPTED');
    }
  });

  it.each(cases)('%s → %s at the hub and at the recipient', async (_label, expected, make) => {
    const token = await make();
    expect(codeOf(() => verifySdJwt(token, hub))).toBe(expected);
    expect(codeOf(() => verifyPresentation(token, recipient))).toBe(expected);
  });

  it('a token whose signed liaison_kind is another kind → submission.wrong-kind at the hub', async () => {
    const token = await honest();
    expect(
      codeOf(() => verifySdJwt(token, { ...hub, shape: submissionClaimShape('CASE_NOTICE') })),
    ).toBe('submission.wrong-kind');
    expect(codeOf(() => verifySdJwt(token, { ...hub, shape: submissionClaimShape('ALERT') }))).toBe(
      'ACCEPTED',
    );
  });

  it('a null disclosable field may stay in clear: it reveals nothing', async () => {
    const claims = claimsOf(victimAlert.json, KIND);
    claims.narrative = null;
    const token = await signClaims(signers, KIND, claims);
    expect(codeOf(() => verifySdJwt(token, hub))).toBe('ACCEPTED');
  });
});
