/**
 * Refusals: each hostile or broken input is rejected with its own error code.
 * One positive control sits among them (reordered disclosures verify: order is
 * not significant in SD-JWT, RFC 9901 §7.1 hashes each disclosure on its own).
 */
import { createHmac } from 'node:crypto';
import { CompactEncrypt } from 'jose';
import { isDomainError } from '@liaison/errors';
import {
  signAgencyToken,
  signOfficerToken,
  verifyAgencyToken,
  verifyOfficerToken,
  type OfficerRole,
} from './agency-token';
import { encodeBase64Url } from './base64url';
import { signCheckpoint, verifyCheckpoint } from './checkpoint';
import { type JwsSigner } from './compact-jws';
import { decryptPresentation, encryptFor } from './jwe';
import { generateAgencyKeys } from './jwk';
import { KeyDirectory } from './key-directory';
import { signReceiptBatch, verifyReceipt, type ReceiptBody } from './receipt-batch';
import { issueSdJwt } from './sd-jwt-issuer';
import { verifySdJwt } from './sd-jwt-verifier';
import {
  ALERT_PATHS,
  ALERT_SHAPE,
  NOW_MS,
  NOW_SEC,
  alertClaims,
  clock,
  directoryOf,
  enrolOfficer,
  makeAgency,
  shapeOfClaims,
} from './spec-support/fixtures';
import { OfficerDirectory } from './officer-directory';

const publisher = makeAgency('NL-KLPD', 'EdDSA');
const attacker = makeAgency('NL-KLPD', 'EdDSA');
const esAttacker = makeAgency('NL-KLPD', 'ES256');
const retired = makeAgency('NL-KLPD', 'EdDSA', {
  status: 'retired',
  notBefore: NOW_SEC - 7200,
  notAfter: NOW_SEC - 3600,
});
const revoked = makeAgency('NL-KLPD', 'EdDSA', { status: 'revoked', revokedAt: NOW_SEC - 60 });
const encKeys = generateAgencyKeys('ECDH-ES+A256KW');
const directory = new KeyDirectory([
  publisher.record,
  retired.record,
  revoked.record,
  {
    agencyId: 'NL-KLPD',
    kid: encKeys.kid,
    use: 'enc',
    alg: 'ECDH-ES+A256KW',
    publicJwk: encKeys.publicJwk,
    notBefore: 0,
    status: 'active',
  },
]);
const hub = makeAgency('HUB', 'EdDSA');
const options = {
  directory,
  shape: ALERT_SHAPE,
  now: clock,
  maxTokenBytes: 64 * 1024,
  clockSkewSec: 60,
  maxAgeSec: 600,
};
const anna = enrolOfficer('NL-KLPD', 'anna', ['liaison', 'publisher']);
const rita = enrolOfficer('NL-KLPD', 'rita', ['liaison'], {
  status: 'revoked',
  revokedAt: NOW_SEC - 60,
});
const officers = new OfficerDirectory([anna.enrolment, rita.enrolment]);
const officerToken = (
  signer: JwsSigner,
  patch: { officerId?: string; roles?: OfficerRole[]; agencyId?: string } = {},
): string =>
  signOfficerToken(
    {
      agencyId: patch.agencyId ?? 'NL-KLPD',
      audience: 'liaison-hub',
      jti: `o-${Math.random()}`,
      now: clock,
      officerId: patch.officerId ?? 'anna',
      roles: patch.roles ?? ['liaison'],
    },
    signer,
  );
const tokenOptions = (seen: Set<string> = new Set()) => ({
  directory,
  officers,
  audience: 'liaison-hub',
  now: clock,
  maxLifetimeSec: 300,
  seenJti: (jti: string) => {
    const was = seen.has(jti);
    seen.add(jti);
    return Promise.resolve(was);
  },
});

const b64json = (value: unknown): string => encodeBase64Url(Buffer.from(JSON.stringify(value)));
const b64raw = (text: string): string => encodeBase64Url(Buffer.from(text));

/** A compact JWS with any header, signed by `signer` (or an arbitrary signature function). */
function forge(
  header: Record<string, unknown>,
  payload: unknown,
  sign: (input: string) => Buffer,
): string {
  const input = `${b64json(header)}.${b64json(payload)}`;
  return `${input}.${encodeBase64Url(sign(input))}`;
}

async function issued(signer = publisher): Promise<string> {
  return issueSdJwt({
    claims: alertClaims('NL-KLPD'),
    disclosablePaths: ALERT_PATHS,
    signer: signer.signerKey,
  });
}

/** Re-signs an issued token's payload with a chosen header and key; disclosures kept. */
async function resigned(
  header: Record<string, unknown>,
  sign: (input: string) => Buffer,
  mutate?: (p: Record<string, unknown>) => void,
): Promise<string> {
  const token = await issued();
  const [jwt, ...rest] = token.split('~');
  const payload = JSON.parse(
    Buffer.from((jwt as string).split('.')[1] as string, 'base64url').toString(),
  ) as Record<string, unknown>;
  mutate?.(payload);
  return [forge(header, payload, sign), ...rest].join('~');
}

const sdHeader = (signer: JwsSigner, extra: Record<string, unknown> = {}) => ({
  typ: 'sd+jwt',
  alg: signer.alg,
  kid: signer.kid,
  ...extra,
});

async function codeOf(action: () => unknown): Promise<string> {
  try {
    await action();
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
  return 'ACCEPTED';
}

function swapPart(token: string, part: 0 | 1 | 2, change: (text: string) => string): string {
  const [jwt, ...rest] = token.split('~');
  const parts = (jwt as string).split('.');
  parts[part] = change(parts[part] as string);
  return [parts.join('.'), ...rest].join('~');
}

function flipChar(text: string, at = 5): string {
  const c = text[at] === 'A' ? 'B' : 'A';
  return `${text.slice(0, at)}${c}${text.slice(at + 1)}`;
}

const receiptBody = (recipient: string): ReceiptBody => ({
  messageId: 'msg-0001',
  recipientAgency: recipient,
  disclosedPaths: ['narrative'],
  withheld: [{ path: 'subjects[0]', ruleId: 'victim-identity-default' }],
  policyVersion: 'p-17',
  presentationDigest: 'abc',
  issuedAt: NOW_SEC,
});

type Case = readonly [name: string, expected: string, action: () => unknown];

const cases: Case[] = [
  [
    'alg none',
    'sdjwt.alg-none',
    async () =>
      verifySdJwt(
        await resigned({ typ: 'sd+jwt', alg: 'none', kid: publisher.keys.kid }, () =>
          Buffer.alloc(0),
        ),
        options,
      ),
  ],
  [
    'HS256 keyed with the public key',
    'sdjwt.alg-refused',
    async () =>
      verifySdJwt(
        await resigned({ typ: 'sd+jwt', alg: 'HS256', kid: publisher.keys.kid }, (input) =>
          createHmac('sha256', JSON.stringify(publisher.keys.publicJwk)).update(input).digest(),
        ),
        options,
      ),
  ],
  ...(['jwk', 'jku', 'x5u', 'x5c'] as const).map((member): Case => [
    `embedded ${member} header is ignored for key selection`,
    'sdjwt.bad-signature',
    async () => {
      const value =
        member === 'jwk'
          ? attacker.keys.publicJwk
          : member === 'x5c'
            ? ['MIIB...attacker']
            : 'https://attacker.example/keys';
      return verifySdJwt(
        await resigned(sdHeader(publisher.signer, { [member]: value }), attacker.signer.sign),
        options,
      );
    },
  ]),
  [
    'kid with ../',
    'key.bad-kid',
    async () =>
      verifySdJwt(
        await resigned(
          sdHeader(publisher.signer, { kid: '../../etc/passwd' }),
          publisher.signer.sign,
        ),
        options,
      ),
  ],
  [
    "kid with ' OR 1=1",
    'key.bad-kid',
    async () =>
      verifySdJwt(
        await resigned(sdHeader(publisher.signer, { kid: "x' OR 1=1 --" }), publisher.signer.sign),
        options,
      ),
  ],
  ['unknown kid', 'sdjwt.unknown-kid', async () => verifySdJwt(await issued(attacker), options)],
  [
    'revoked kid (immediate: nothing verifies)',
    'sdjwt.revoked-key',
    async () => verifySdJwt(await issued(revoked), options),
  ],
  [
    'retired key, iat after retirement',
    'sdjwt.key-not-valid-at-iat',
    async () => verifySdJwt(await issued(retired), options),
  ],
  [
    'encryption key used to verify',
    'sdjwt.wrong-key-use',
    async () =>
      verifySdJwt(
        await resigned(sdHeader(publisher.signer, { kid: encKeys.kid }), publisher.signer.sign),
        options,
      ),
  ],
  [
    'header alg differs from the registered alg',
    'sdjwt.alg-mismatch',
    async () =>
      verifySdJwt(
        await resigned(
          sdHeader(esAttacker.signer, { kid: publisher.keys.kid }),
          esAttacker.signer.sign,
        ),
        options,
      ),
  ],
  [
    'tampered header',
    'sdjwt.bad-signature',
    async () =>
      verifySdJwt(
        swapPart(await issued(), 0, () => b64json({ ...sdHeader(publisher.signer), x: 1 })),
        options,
      ),
  ],
  [
    'tampered payload',
    'sdjwt.bad-signature',
    async () =>
      verifySdJwt(
        swapPart(await issued(), 1, (p) =>
          b64json({
            ...(JSON.parse(Buffer.from(p, 'base64url').toString()) as object),
            liaison_type: 'FINANCIAL_PATTERN',
          }),
        ),
        options,
      ),
  ],
  [
    'tampered signature',
    'sdjwt.bad-signature',
    async () =>
      verifySdJwt(
        swapPart(await issued(), 2, (s) => flipChar(s, 10)),
        options,
      ),
  ],
  [
    'tampered disclosure',
    'sdjwt.disclosure-digest-mismatch',
    async () => {
      const parts = (await issued()).split('~');
      const d = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString()) as unknown[];
      d[d.length - 1] = 'forged value';
      parts[1] = b64json(d);
      return verifySdJwt(parts.join('~'), options);
    },
  ],
  [
    'duplicated disclosure',
    'sdjwt.duplicate-disclosure',
    async () => {
      const parts = (await issued()).split('~');
      return verifySdJwt([...parts.slice(0, -1), parts[1], ''].join('~'), options);
    },
  ],
  [
    'extra disclosure from another token',
    'sdjwt.disclosure-digest-mismatch',
    async () => {
      const other = (await issued()).split('~');
      return verifySdJwt(`${await issued()}${other[1] as string}~`, options);
    },
  ],
  [
    'reordered disclosures (positive control: order is not significant)',
    'ACCEPTED',
    async () => {
      const [jwt, ...rest] = (await issued()).split('~');
      return verifySdJwt([jwt, ...rest.slice(0, -1).reverse(), ''].join('~'), options);
    },
  ],
  [
    '_sd_alg other than sha-256',
    'sdjwt.bad-sd-alg',
    async () =>
      verifySdJwt(
        await resigned(
          sdHeader(publisher.signer),
          publisher.signer.sign,
          (p) => (p._sd_alg = 'sha-512'),
        ),
        options,
      ),
  ],
  [
    'digest referenced twice in the payload',
    'sdjwt.duplicate-digest',
    async () =>
      verifySdJwt(
        await resigned(sdHeader(publisher.signer), publisher.signer.sign, (p) => {
          const sd = p._sd as string[];
          p._sd = [...sd, sd[0]];
        }),
        options,
      ),
  ],
  [
    'disclosed name colliding with a plain claim',
    'sdjwt.claim-name-collision',
    async () => {
      const token = await issued();
      const narrative = token
        .split('~')
        .find((d) => Buffer.from(d, 'base64url').toString().includes('"narrative"'));
      expect(narrative).toBeDefined();
      return verifySdJwt(
        await resigned(
          sdHeader(publisher.signer),
          publisher.signer.sign,
          (p) => (p.narrative = 'plain'),
        ),
        // narrative not disclosable here, so the plain claim alone is allowed
        { ...options, shape: shapeOfClaims(alertClaims('NL-KLPD'), ALERT_PATHS.slice(1)) },
      );
    },
  ],
  [
    'expired',
    'sdjwt.expired',
    async () => verifySdJwt(await issued(), { ...options, now: () => NOW_MS + 7200_000 }),
  ],
  [
    'iat in the future',
    'sdjwt.iat-in-future',
    async () => verifySdJwt(await issued(), { ...options, now: () => NOW_MS - 600_000 }),
  ],
  [
    'oversized token',
    'sdjwt.too-large',
    async () => verifySdJwt(await issued(), { ...options, maxTokenBytes: 512 }),
  ],
  [
    'key-binding JWT appended',
    'sdjwt.key-binding-unsupported',
    async () => verifySdJwt(`${await issued()}eyJhbGciOiJFZERTQSJ9.e30.AAAA`, options),
  ],
  [
    'agency token submitted as a message',
    'sdjwt.bad-typ',
    () =>
      verifySdJwt(
        `${signAgencyToken({ agencyId: 'NL-KLPD', audience: 'liaison-hub', jti: 't1', now: clock }, publisher.signer)}~`,
        options,
      ),
  ],
  [
    'crit header',
    'sdjwt.crit-unsupported',
    async () =>
      verifySdJwt(
        await resigned(sdHeader(publisher.signer, { crit: ['exp'] }), publisher.signer.sign),
        options,
      ),
  ],
  // ---- tokens ----
  [
    'agency token for another audience',
    'token.wrong-audience',
    () =>
      verifyAgencyToken(
        signAgencyToken(
          { agencyId: 'NL-KLPD', audience: 'other-hub', jti: 't2', now: clock },
          publisher.signer,
        ),
        tokenOptions(),
      ),
  ],
  [
    'agency token replayed',
    'token.replayed',
    async () => {
      const seen = new Set<string>();
      const jwt = signAgencyToken(
        { agencyId: 'NL-KLPD', audience: 'liaison-hub', jti: 't3', now: clock },
        publisher.signer,
      );
      await verifyAgencyToken(jwt, tokenOptions(seen));
      return verifyAgencyToken(jwt, tokenOptions(seen));
    },
  ],
  [
    'agency token living longer than 300 s',
    'token.lifetime-too-long',
    () =>
      verifyAgencyToken(
        signAgencyToken(
          {
            agencyId: 'NL-KLPD',
            audience: 'liaison-hub',
            jti: 't4',
            now: clock,
            lifetimeSec: 3600,
          },
          publisher.signer,
        ),
        tokenOptions(),
      ),
  ],
  [
    'agency token expired',
    'token.expired',
    () =>
      verifyAgencyToken(
        signAgencyToken(
          { agencyId: 'NL-KLPD', audience: 'liaison-hub', jti: 't5', now: () => NOW_MS - 900_000 },
          publisher.signer,
        ),
        tokenOptions(),
      ),
  ],
  [
    'agency token issued in the future',
    'token.iat-in-future',
    () =>
      verifyAgencyToken(
        signAgencyToken(
          { agencyId: 'NL-KLPD', audience: 'liaison-hub', jti: 't6', now: () => NOW_MS + 900_000 },
          publisher.signer,
        ),
        tokenOptions(),
      ),
  ],
  [
    'agency token without jti',
    'token.bad-jti',
    () =>
      verifyAgencyToken(
        forge(
          { typ: 'liaison-agency+jwt', alg: 'EdDSA', kid: publisher.keys.kid },
          { iss: 'NL-KLPD', aud: 'liaison-hub', iat: NOW_SEC, exp: NOW_SEC + 60 },
          publisher.signer.sign,
        ),
        tokenOptions(),
      ),
  ],
  [
    'officer token with an unknown role',
    'token.unknown-role',
    () =>
      verifyOfficerToken(
        officerToken(anna.signer, { roles: ['publisher', 'superuser' as OfficerRole] }),
        tokenOptions(),
      ),
  ],
  [
    'officer token signed by the agency key (a name the agency wrote)',
    'token.officer-key-required',
    () => verifyOfficerToken(officerToken(publisher.signer), tokenOptions()),
  ],
  [
    'officer token signed by an unknown key',
    'token.officer-key-required',
    () => verifyOfficerToken(officerToken(attacker.signer), tokenOptions()),
  ],
  [
    "officer token naming another officer than the key's",
    'token.officer-mismatch',
    () => verifyOfficerToken(officerToken(anna.signer, { officerId: 'bert' }), tokenOptions()),
  ],
  [
    'officer token claiming a role beyond the enrolment',
    'token.role-not-enrolled',
    () =>
      verifyOfficerToken(
        officerToken(anna.signer, { roles: ['liaison', 'policy-approver'] }),
        tokenOptions(),
      ),
  ],
  [
    'officer token of a revoked officer',
    'token.revoked-key',
    () => verifyOfficerToken(officerToken(rita.signer, { officerId: 'rita' }), tokenOptions()),
  ],
  [
    "officer token under another agency's name",
    'token.officer-key-required',
    () => verifyOfficerToken(officerToken(anna.signer, { agencyId: 'DE-BKA' }), tokenOptions()),
  ],
  [
    'officer token when the verifier knows no officers (default deny)',
    'token.officer-key-required',
    () => verifyOfficerToken(officerToken(anna.signer), { ...tokenOptions(), officers: undefined }),
  ],
  [
    'agency token naming an officer',
    'token.officer-claim-in-agency-token',
    () =>
      verifyAgencyToken(
        forge(
          { typ: 'liaison-agency+jwt', alg: 'EdDSA', kid: publisher.keys.kid },
          {
            iss: 'NL-KLPD',
            sub: 'anna',
            roles: ['liaison'],
            aud: 'liaison-hub',
            iat: NOW_SEC,
            exp: NOW_SEC + 60,
            jti: 'agency-with-sub',
          },
          publisher.signer.sign,
        ),
        tokenOptions(),
      ),
  ],
  [
    "agency token signed by an officer's key",
    'token.unknown-kid',
    () =>
      verifyAgencyToken(
        signAgencyToken(
          { agencyId: 'NL-KLPD', audience: 'liaison-hub', jti: 'by-officer', now: clock },
          anna.signer,
        ),
        tokenOptions(),
      ),
  ],
  ...(
    [
      ['duplicate iss in its payload', 'payload', '{"iss":"XX-OTHER",'],
      ['duplicate roles in its payload, one name escaped', 'payload', '{"\\u0072oles":["admin"],'],
      ['duplicate typ in its header', 'header', '{"typ":"liaison-agency+jwt",'],
    ] as const
  ).map(([label, part, member], i): Case => [
    `officer token with a ${label}`,
    'token.duplicate-member',
    () => {
      const jwt = signOfficerToken(
        {
          agencyId: 'NL-KLPD',
          audience: 'liaison-hub',
          jti: `dup-${i}`,
          now: clock,
          officerId: 'o-1',
          roles: ['publisher'],
        },
        publisher.signer,
      );
      const [h = '', p = ''] = jwt.split('.');
      // The extra member goes first; the token's own member of that name stays after it.
      const doubled = (b64: string): string =>
        b64raw(`${member}${Buffer.from(b64, 'base64url').toString('utf8').slice(1)}`);
      const input = part === 'header' ? `${doubled(h)}.${p}` : `${h}.${doubled(p)}`;
      return verifyOfficerToken(
        `${input}.${encodeBase64Url(publisher.signer.sign(input))}`,
        tokenOptions(),
      );
    },
  ]),
  [
    'officer token used as an agency token',
    'token.bad-typ',
    () =>
      verifyAgencyToken(
        signOfficerToken(
          {
            agencyId: 'NL-KLPD',
            audience: 'liaison-hub',
            jti: 't8',
            now: clock,
            officerId: 'o-1',
            roles: ['publisher'],
          },
          publisher.signer,
        ),
        tokenOptions(),
      ),
  ],
  [
    'oversized agency token',
    'token.too-large',
    () => verifyAgencyToken(`${'a'.repeat(9000)}.b.c`, tokenOptions()),
  ],
  // ---- JWE ----
  [
    'JWE with PBES2',
    'jwe.pbes2-refused',
    async () => {
      const jwe = await new CompactEncrypt(Buffer.from('x'))
        .setProtectedHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A256GCM' })
        .encrypt(Buffer.from('correct horse'));
      return decryptPresentation(jwe, encKeys.privateJwk);
    },
  ],
  [
    'JWE with zip',
    'jwe.zip-refused',
    async () => {
      const jwe = await encryptFor('x~', encKeys.publicJwk);
      return decryptPresentation(
        [
          b64json({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', zip: 'DEF' }),
          ...jwe.split('.').slice(1),
        ].join('.'),
        encKeys.privateJwk,
      );
    },
  ],
  [
    'JWE with direct key agreement',
    'jwe.alg-refused',
    async () => {
      const jwe = await encryptFor('x~', encKeys.publicJwk);
      return decryptPresentation(
        [b64json({ alg: 'ECDH-ES', enc: 'A256GCM' }), ...jwe.split('.').slice(1)].join('.'),
        encKeys.privateJwk,
      );
    },
  ],
  // ---- receipts, checkpoints, directory ----
  [
    'receipt body altered',
    'receipt.not-included',
    () => {
      const batch = signReceiptBatch([receiptBody('BE-FGP'), receiptBody('DE-BKA')], {
        signer: hub.signer,
        batchId: 'b1',
        now: clock,
      });
      const r = batch.receipts[0];
      return verifyReceipt(
        { ...receiptBody('BE-FGP'), disclosedPaths: ['narrative', 'subjects[0]'] },
        r?.receiptJws ?? '',
        r?.proof ?? { leafIndex: 0, treeSize: 0, path: [] },
        hub.keys.publicJwk,
      );
    },
  ],
  [
    'receipt batch signed by another key',
    'receipt.bad-signature',
    () => {
      const batch = signReceiptBatch([receiptBody('BE-FGP')], {
        signer: attacker.signer,
        batchId: 'b2',
        now: clock,
      });
      const r = batch.receipts[0];
      return verifyReceipt(
        receiptBody('BE-FGP'),
        r?.receiptJws ?? '',
        r?.proof ?? { leafIndex: 0, treeSize: 0, path: [] },
        hub.keys.publicJwk,
      );
    },
  ],
  [
    'checkpoint tampered',
    'checkpoint.bad-signature',
    () => {
      const jws = signCheckpoint({ treeSize: 10, rootHash: 'ab'.repeat(32) }, hub.signer, clock);
      return verifyCheckpoint(
        swapPart(jws, 1, () => b64json({ treeSize: 11, rootHash: 'ab'.repeat(32), iat: NOW_SEC })),
        hub.keys.publicJwk,
      );
    },
  ],
  [
    'directory with a duplicate kid',
    'key.duplicate-kid',
    () => new KeyDirectory([publisher.record, publisher.record]),
  ],
  [
    'directory key with private material',
    'key.invalid-jwk',
    () =>
      new KeyDirectory([
        { ...publisher.record, publicJwk: publisher.keys.privateJwk },
      ]).resolveSignatureKey('NL-KLPD', publisher.keys.kid, NOW_SEC, 'sdjwt'),
  ],
];

describe('negative suite', () => {
  it('has at least 25 refusal cases', () => {
    expect(cases.filter(([, code]) => code !== 'ACCEPTED').length).toBeGreaterThanOrEqual(25);
    expect(directoryOf(publisher).jwksOf('NL-KLPD').keys).toHaveLength(1);
  });

  it.each(cases)('%s → %s', async (_name, expected, action) => {
    expect(await codeOf(action)).toBe(expected);
  });
});
