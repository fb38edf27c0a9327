/**
 * Happy paths for everything the negative suite refuses: receipts in a batch,
 * checkpoints, JWE, tokens, key directory rules, canonical JSON.
 */
import { calculateJwkThumbprint } from 'jose';
import {
  signAgencyToken,
  signOfficerToken,
  verifyAgencyToken,
  verifyOfficerToken,
} from './agency-token';
import { canonicalJson } from './canonical-json';
import { signCheckpoint, verifyCheckpoint } from './checkpoint';
import { decryptPresentation, encryptFor } from './jwe';
import { generateAgencyKeys, jwkThumbprint } from './jwk';
import { KeyDirectory } from './key-directory';
import {
  presentationDigestOf,
  receiptLeafHash,
  signReceiptBatch,
  verifyReceipt,
  type ReceiptBody,
} from './receipt-batch';
import { issueSdJwt } from './sd-jwt-issuer';
import { verifySdJwt } from './sd-jwt-verifier';
import { presentFor, verifyPresentation } from './presentation';
import { rootOf } from './merkle';
import {
  ALERT_PATHS,
  ALERT_SHAPE,
  NOW_SEC,
  alertClaims,
  clock,
  enrolOfficer,
  makeAgency,
} from './spec-support/fixtures';
import { OfficerDirectory } from './officer-directory';

const hub = makeAgency('HUB', 'EdDSA');

function codeThrownBy(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}
const publisher = makeAgency('NL-KLPD', 'ES256');

describe('receipt batches', () => {
  const bodies: ReceiptBody[] = Array.from({ length: 200 }, (_, i) => ({
    messageId: 'msg-0001',
    recipientAgency: `AG-${i}`,
    disclosedPaths: ['narrative', `subjects[${i % 3}]`],
    withheld: [{ path: 'subjects[0].identity', ruleId: 'victim-identity' }],
    policyVersion: 'p-17',
    presentationDigest: presentationDigestOf(`presentation ${i}`),
    issuedAt: NOW_SEC,
  }));

  it('one signature covers 200 receipts, each verifiable alone', () => {
    const batch = signReceiptBatch(bodies, { signer: hub.signer, batchId: 'batch-1', now: clock });
    expect(new Set(batch.receipts.map((r) => r.receiptJws)).size).toBe(1);
    expect(batch.root).toBe(rootOf(bodies.map(receiptLeafHash)).toString('hex'));
    bodies.forEach((body, i) => {
      const receipt = batch.receipts[i];
      if (receipt === undefined) throw new Error('missing receipt');
      expect(verifyReceipt(body, receipt.receiptJws, receipt.proof, hub.keys.publicJwk)).toEqual({
        root: batch.root,
        treeSize: 200,
        batchId: 'batch-1',
        iat: NOW_SEC,
      });
    });
  });

  it('a receipt does not verify with another receipt proof', () => {
    const batch = signReceiptBatch(bodies.slice(0, 5), {
      signer: hub.signer,
      batchId: 'b',
      now: clock,
    });
    const other = batch.receipts[1];
    expect(
      codeThrownBy(() =>
        verifyReceipt(
          bodies[0] as ReceiptBody,
          other?.receiptJws ?? '',
          other?.proof ?? { leafIndex: 0, treeSize: 5, path: [] },
          hub.keys.publicJwk,
        ),
      ),
    ).toBe('receipt.not-included');
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and is independent of insertion order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
    expect(codeThrownBy(() => canonicalJson({ n: Number.NaN }))).toBe('json.not-canonical');
  });
});

describe('checkpoints', () => {
  it('round-trips', () => {
    const jws = signCheckpoint({ treeSize: 42, rootHash: 'cd'.repeat(32) }, hub.signer, clock);
    expect(verifyCheckpoint(jws, hub.keys.publicJwk)).toEqual({
      treeSize: 42,
      rootHash: 'cd'.repeat(32),
      iat: NOW_SEC,
    });
  });
});

describe('JWE to a recipient', () => {
  it('encrypts and decrypts a presentation (ECDH-ES+A256KW, A256GCM)', async () => {
    const recipient = generateAgencyKeys('ECDH-ES+A256KW');
    const token = await issueSdJwt({
      claims: alertClaims('NL-KLPD'),
      disclosablePaths: ALERT_PATHS,
      signer: publisher.signerKey,
    });
    const directory = new KeyDirectory([publisher.record]);
    const verified = verifySdJwt(token, {
      directory,
      shape: ALERT_SHAPE,
      now: clock,
      maxTokenBytes: 65536,
      clockSkewSec: 60,
    });
    const topLevel = verified.disclosures.filter((d) => d.parentIndex === null).slice(0, 2);
    const presentation = presentFor(
      verified,
      topLevel.map((d) => d.index),
    );
    const jwe = await encryptFor(presentation, recipient.publicJwk);
    const header = JSON.parse(
      Buffer.from(jwe.split('.')[0] as string, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: recipient.kid });
    const plain = await decryptPresentation(jwe, recipient.privateJwk);
    expect(plain).toBe(presentation);
    expect(
      verifyPresentation(plain, { directory, shape: ALERT_SHAPE, now: clock }).disclosedPaths,
    ).toHaveLength(2);
    await expect(
      decryptPresentation(jwe, generateAgencyKeys('ECDH-ES+A256KW').privateJwk),
    ).rejects.toMatchObject({ code: 'jwe.decrypt-failed' });
  });
});

describe('tokens', () => {
  const directory = new KeyDirectory([publisher.record]);
  const options = {
    directory,
    audience: 'liaison-hub',
    now: clock,
    seenJti: () => Promise.resolve(false),
  };

  it('verifies an agency token', async () => {
    const jwt = signAgencyToken(
      { agencyId: 'NL-KLPD', audience: 'liaison-hub', jti: 'a-1', now: clock },
      publisher.signer,
    );
    await expect(verifyAgencyToken(jwt, options)).resolves.toEqual({
      agencyId: 'NL-KLPD',
      jti: 'a-1',
      exp: NOW_SEC + 300,
    });
  });

  it("verifies an officer token signed by the officer's own enrolled key", async () => {
    const officer = enrolOfficer('NL-KLPD', 'officer-7', ['liaison', 'publisher', 'oversight']);
    const jwt = signOfficerToken(
      {
        agencyId: 'NL-KLPD',
        audience: 'liaison-hub',
        jti: 'o-1',
        now: clock,
        officerId: 'officer-7',
        roles: ['liaison', 'publisher'],
      },
      officer.signer,
    );
    await expect(
      verifyOfficerToken(jwt, {
        ...options,
        officers: new OfficerDirectory([officer.enrolment]),
      }),
    ).resolves.toMatchObject({
      agencyId: 'NL-KLPD',
      officerId: 'officer-7',
      kid: officer.keys.kid,
      roles: ['liaison', 'publisher'],
    });
  });

  it('lists officer keys with their officer in JWKS members, and recipients never verify messages with them', () => {
    const officer = enrolOfficer('NL-KLPD', 'officer-7', ['liaison']);
    const members = new OfficerDirectory([officer.enrolment]).jwksMembersOf('NL-KLPD');
    expect(members).toEqual([
      expect.objectContaining({ kid: officer.keys.kid, officer: 'officer-7' }),
    ]);
    const recipientView = KeyDirectory.fromJwks('NL-KLPD', {
      keys: [publisher.keys.publicJwk, ...members],
    });
    expect(recipientView.recordOf('NL-KLPD', officer.keys.kid)).toBeUndefined();
    expect(recipientView.recordOf('NL-KLPD', publisher.keys.kid)).toBeDefined();
  });
});

describe('key directory', () => {
  it('kids are RFC 7638 thumbprints (as jose computes them)', async () => {
    for (const alg of ['EdDSA', 'ES256', 'ECDH-ES+A256KW'] as const) {
      const keys = generateAgencyKeys(alg);
      expect(keys.kid).toBe(
        await calculateJwkThumbprint(
          keys.publicJwk as Parameters<typeof calculateJwkThumbprint>[0],
        ),
      );
      expect(jwkThumbprint(keys.publicJwk)).toBe(keys.kid);
    }
  });

  it('a retired key verifies what it signed while active, and nothing after', () => {
    const retired = makeAgency('NL-KLPD', 'EdDSA', {
      status: 'retired',
      notBefore: NOW_SEC - 1000,
      notAfter: NOW_SEC - 100,
    });
    const directory = new KeyDirectory([retired.record]);
    expect(
      directory.resolveSignatureKey('NL-KLPD', retired.keys.kid, NOW_SEC - 500, 'sdjwt').kid,
    ).toBe(retired.keys.kid);
    expect(
      codeThrownBy(() =>
        directory.resolveSignatureKey('NL-KLPD', retired.keys.kid, NOW_SEC - 100, 'sdjwt'),
      ),
    ).toBe('sdjwt.key-not-valid-at-iat');
    expect(
      codeThrownBy(() =>
        directory.resolveSignatureKey('NL-KLPD', retired.keys.kid, NOW_SEC - 1001, 'sdjwt'),
      ),
    ).toBe('sdjwt.key-not-valid-at-iat');
  });

  it('a revoked key verifies nothing, whatever the iat; JWKS leaves it out', () => {
    const revoked = makeAgency('NL-KLPD', 'EdDSA', { status: 'revoked', revokedAt: NOW_SEC });
    const active = makeAgency('NL-KLPD', 'EdDSA');
    const directory = new KeyDirectory([revoked.record, active.record]);
    expect(
      codeThrownBy(() =>
        directory.resolveSignatureKey('NL-KLPD', revoked.keys.kid, NOW_SEC - 3600, 'token'),
      ),
    ).toBe('token.revoked-key');
    expect(directory.jwksOf('NL-KLPD').keys.map((k) => k.kid)).toEqual([active.keys.kid]);
  });

  it('imports each key once', () => {
    const directory = new KeyDirectory([publisher.record]);
    const first = directory.resolveSignatureKey('NL-KLPD', publisher.keys.kid, NOW_SEC, 'sdjwt');
    expect(directory.resolveSignatureKey('NL-KLPD', publisher.keys.kid, NOW_SEC, 'sdjwt')).toBe(
      first,
    );
  });
});
