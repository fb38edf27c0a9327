/**
 * Micro-benchmarks for libs/crypto: what the hub pays per message and per
 * recipient. Each group names its baseline; read the others as ratios to it.
 *
 * - jws EdDSA / jws ES256: node:crypto with an imported, cached KeyObject (what
 *   libs/crypto uses) against jose's compactVerify / CompactSign.
 * - sd-jwt (Alert, 20 disclosures): our single-pass verifier against
 *   @sd-jwt/core 0.19 verify/decode/present; presentFor is the per-recipient cost.
 * - receipts: a JWS per delivery against one signature per batch of 200 plus
 *   an inclusion proof each (cost per delivery).
 * - jwe: ECDH-ES+A256KW / A256GCM encrypt and decrypt of a presentation.
 */
import { createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import {
  createJwsSigner,
  decryptPresentation,
  encryptFor,
  generateAgencyKeys,
  importPrivateJwk,
  issueSdJwt,
  KeyDirectory,
  presentationDigestOf,
  presentFor,
  signCompactJws,
  signReceiptBatch,
  verifySdJwt,
  type ReceiptBody,
  type SignatureAlg,
} from '@liaison/crypto';
import { shapeOfClaims } from '../../libs/crypto/src/spec-support/fixtures';
import { measure, type Measurement, type MicroBenchmark } from '../harness';

const NOW_SEC = 1_736_942_400;
const now = (): number => NOW_SEC * 1000;

function jwsGroup(alg: SignatureAlg): MicroBenchmark {
  const baseline = 'verify: node:crypto, cached KeyObject';
  return {
    group: `jws ${alg}`,
    baseline,
    run: async () => {
      const keys = generateAgencyKeys(alg);
      const signer = createJwsSigner({ privateJwk: keys.privateJwk, kid: keys.kid, alg });
      const publicKey = createPublicKey({
        key: keys.publicJwk as import('node:crypto').JsonWebKey,
        format: 'jwk',
      });
      const privateKey = importPrivateJwk(keys.privateJwk, alg);
      const joseKey = await importJWK(keys.publicJwk as JWK, alg);
      const josePrivate = await importJWK(keys.privateJwk as JWK, alg);
      const jws = signCompactJws({ iss: 'NL-KLPD', iat: NOW_SEC, jti: 'x' }, signer);
      const [h, p, s] = jws.split('.') as [string, string, string];
      const data = Buffer.from(`${h}.${p}`);
      const signature = Buffer.from(s, 'base64url');
      const dsa = alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {};
      const digestName = alg === 'ES256' ? 'sha256' : null;
      const payload = Buffer.from(JSON.stringify({ iss: 'NL-KLPD', iat: NOW_SEC, jti: 'x' }));
      return [
        await measure(baseline, () =>
          nodeVerify(digestName, data, { key: publicKey, ...dsa }, signature),
        ),
        await measure('verify: jose.compactVerify', () => compactVerify(jws, joseKey)),
        await measure('sign: node:crypto', () =>
          nodeSign(digestName, data, { key: privateKey, ...dsa }),
        ),
        await measure('sign: jose.CompactSign', () =>
          new CompactSign(payload).setProtectedHeader({ alg, kid: keys.kid }).sign(josePrivate),
        ),
      ];
    },
  };
}

/** An Alert-like message with 20 disclosures. */
function alert(): Record<string, unknown> {
  const subject = (role: string, name: string) => ({
    role,
    identity: { fullName: name, dateOfBirth: '2009-04-01', nationality: 'MD' },
  });
  return {
    jti: 'msg-bench',
    iss: 'NL-KLPD',
    iat: NOW_SEC,
    exp: NOW_SEC + 3600,
    liaison_type: 'VICTIM_AT_RISK',
    liaison_kind: 'alert',
    handling: { tlp: 'AMBER', code: 'H2' },
    narrative: 'Two minors seen with the suspect at the bus terminal.',
    caseRef: 'NL-2025-0042',
    subjects: [subject('VICTIM', 'A'), subject('VICTIM', 'B'), subject('SUSPECT', 'C')],
    vehicles: [
      { kind: 'van', plate: 'AB-123-CD' },
      { kind: 'car', plate: 'XY-987-ZW' },
    ],
    locations: [
      { country: 'NL', place: 'Rotterdam' },
      { country: 'BE', place: 'Antwerp' },
    ],
  };
}
const ALERT_PATHS = [
  'narrative',
  'caseRef',
  'subjects[]',
  'subjects[].identity',
  'subjects[].identity.fullName',
  'subjects[].identity.dateOfBirth',
  'vehicles[]',
  'vehicles[].plate',
  'locations[]',
];

function sdJwtGroup(): MicroBenchmark {
  const baseline = 'verify: fast path (verifySdJwt)';
  return {
    group: 'sd-jwt Alert, 20 disclosures, EdDSA',
    baseline,
    run: async () => {
      const keys = generateAgencyKeys('EdDSA');
      const signerKey = { privateJwk: keys.privateJwk, kid: keys.kid, alg: 'EdDSA' as const };
      const directory = new KeyDirectory([
        {
          agencyId: 'NL-KLPD',
          kid: keys.kid,
          use: 'sig',
          alg: 'EdDSA',
          publicJwk: keys.publicJwk,
          notBefore: 0,
          status: 'active',
        },
      ]);
      const token = await issueSdJwt({
        claims: alert(),
        disclosablePaths: ALERT_PATHS,
        signer: signerKey,
      });
      const shape = shapeOfClaims(alert(), ALERT_PATHS);
      const options = { directory, shape, now, maxTokenBytes: 65536, clockSkewSec: 60 };
      const verified = verifySdJwt(token, options);
      if (verified.disclosures.length !== 20) throw new Error('fixture must have 20 disclosures');
      const publicKey = createPublicKey({
        key: keys.publicJwk as import('node:crypto').JsonWebKey,
        format: 'jwk',
      });
      const library = new SDJwtInstance<Record<string, unknown>>({
        hasher: digest,
        verifier: (data: string, sig: string) =>
          nodeVerify(null, Buffer.from(data), publicKey, Buffer.from(sig, 'base64url')),
      });
      const roots = verified.disclosures.filter((d) => d.parentIndex === null).map((d) => d.index);
      const some = verified.disclosures
        .filter((d) => !d.concretePath.startsWith('subjects[0]'))
        .map((d) => d.index);
      const slow = { batches: 15, batchSize: 20, warmup: 20 };
      return [
        await measure(baseline, () => verifySdJwt(token, options), { batches: 20, batchSize: 50 }),
        await measure(
          'verify: @sd-jwt/core verify',
          () => library.verify(token, { currentDate: NOW_SEC }),
          slow,
        ),
        await measure('decode: @sd-jwt/core decode', () => library.decode(token), slow),
        await measure(
          'present: @sd-jwt/core present',
          () => library.present(token, { narrative: true }),
          slow,
        ),
        await measure(
          'issue: issueSdJwt (agency side)',
          () => issueSdJwt({ claims: alert(), disclosablePaths: ALERT_PATHS, signer: signerKey }),
          slow,
        ),
        await measure(
          'present: presentFor, 15 of 20 (per recipient)',
          () => presentFor(verified, some),
          { batchSize: 1000 },
        ),
        await measure(
          'present: presentFor, top level only (per recipient)',
          () => presentFor(verified, roots),
          { batchSize: 1000 },
        ),
      ];
    },
  };
}

function receiptGroup(): MicroBenchmark {
  const baseline = 'per delivery: one EdDSA JWS per receipt';
  const fanOut = 200;
  return {
    group: `receipts, fan-out ${fanOut}`,
    baseline,
    run: async () => {
      const keys = generateAgencyKeys('EdDSA');
      const signer = createJwsSigner({ privateJwk: keys.privateJwk, kid: keys.kid, alg: 'EdDSA' });
      const bodies: ReceiptBody[] = Array.from({ length: fanOut }, (_, i) => ({
        messageId: 'msg-bench',
        recipientAgency: `AG-${i}`,
        disclosedPaths: ['narrative', 'subjects[2]'],
        withheld: [{ path: 'subjects[0]', ruleId: 'victim-identity' }],
        policyVersion: 'p-17',
        presentationDigest: presentationDigestOf(`p${i}`),
        issuedAt: NOW_SEC,
      }));
      let i = 0;
      const single = await measure(baseline, () => signCompactJws(bodies[i++ % fanOut], signer));
      const batch = await measure(
        'batch of 200 (whole batch)',
        () => signReceiptBatch(bodies, { signer, batchId: 'b', now }),
        {
          batches: 15,
          batchSize: 5,
          warmup: 5,
        },
      );
      const perDelivery: Measurement = {
        name: 'per delivery: batch of 200 (one signature + Merkle tree + proof)',
        iterations: batch.iterations * fanOut,
        nsPerOpMedian: batch.nsPerOpMedian / fanOut,
        nsPerOpP99: batch.nsPerOpP99 / fanOut,
        opsPerSec: batch.opsPerSec * fanOut,
      };
      return [single, perDelivery, batch];
    },
  };
}

function jweGroup(): MicroBenchmark {
  const baseline = 'encrypt: encryptFor';
  return {
    group: 'jwe ECDH-ES+A256KW / A256GCM (2 KiB presentation)',
    baseline,
    run: async () => {
      const recipient = generateAgencyKeys('ECDH-ES+A256KW');
      const presentation = `${'x'.repeat(2048)}~`;
      const jwe = await encryptFor(presentation, recipient.publicJwk);
      return [
        await measure(baseline, () => encryptFor(presentation, recipient.publicJwk)),
        await measure('decrypt: decryptPresentation', () =>
          decryptPresentation(jwe, recipient.privateJwk),
        ),
      ];
    },
  };
}

export const benchmarks: MicroBenchmark[] = [
  jwsGroup('EdDSA'),
  jwsGroup('ES256'),
  sdJwtGroup(),
  receiptGroup(),
  jweGroup(),
];
