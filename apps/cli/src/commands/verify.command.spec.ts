/**
 * `liaison verify` (issue 18 §1): the recipient's verifier applies the hub's
 * shape checks to the presentation, refuses ambiguous JSON, and a delivery whose
 * unsigned fields disagree with the signed claims is INVALID (exit 1), with a
 * valid receipt and a valid originator signature.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  createJwsSigner,
  generateAgencyKeys,
  presentFor,
  presentationDigestOf,
  renderJwks,
  signReceiptBatch,
  verifySdJwt,
} from '@liaison/crypto';
import { discloseInto, resignSdJwt } from '../../../../libs/crypto/src/testing/sd-jwt-crafting';
import {
  NOW_MS,
  claimsOf,
  exampleSigners,
  hubVerifyOptions,
  loadExamples,
  signClaims,
} from '../../../../libs/messages/src/testing/signed-examples';
import { verifyCommand } from './verify.command';

const example = loadExamples().find((e) => e.file === 'alert-victim-at-risk.json');
if (!example) throw new Error('example missing');
const ORIGINATOR = String(example.json.originatorAgency);
const RECIPIENT = 'de-bka';
const signers = exampleSigners([ORIGINATOR]);
const hubKeys = generateAgencyKeys('EdDSA');
const hubSigner = createJwsSigner({
  privateJwk: hubKeys.privateJwk,
  kid: hubKeys.kid,
  alg: 'EdDSA',
});
const work = mkdtempSync(path.join(tmpdir(), 'liaison-verify-'));
const originatorJwks = path.join(work, 'originator.jwks.json');
const hubJwks = path.join(work, 'hub.jwks.json');
writeFileSync(originatorJwks, JSON.stringify(signers.directory.jwksOf(ORIGINATOR)));
writeFileSync(hubJwks, JSON.stringify(renderJwks([{ ...hubKeys, alg: 'EdDSA' }])));

/** A delivery as the hub builds it: presentation, receipt and proof over what it says. */
function deliveryOf(sdJwt: string, withholdFirst = true): Record<string, unknown> {
  const verified = verifySdJwt(sdJwt, hubVerifyOptions(signers.directory, 'ALERT'));
  const withheldIndex = withholdFirst
    ? verified.disclosures.find((d) => d.concretePath === 'narrative')?.index
    : undefined;
  const presented = verified.disclosures.map((d) => d.index).filter((i) => i !== withheldIndex);
  const presentation = presentFor(verified, presented);
  const disclosedPaths = verified.disclosures
    .filter((d) => d.index !== withheldIndex)
    .map((d) => d.concretePath);
  const withheld = withholdFirst ? [{ path: 'narrative', ruleId: 'rule-1' }] : [];
  const deliveredAt = new Date(NOW_MS).toISOString();
  const body = {
    messageId: String(example?.json.messageId),
    recipientAgency: RECIPIENT,
    disclosedPaths,
    withheld,
    policyVersion: 'p-1',
    presentationDigest: presentationDigestOf(presentation),
    issuedAt: Math.floor(NOW_MS / 1000),
  };
  const batch = signReceiptBatch([body], { signer: hubSigner, batchId: 'b-1', now: () => NOW_MS });
  const receipt = batch.receipts[0];
  return {
    messageId: body.messageId,
    kind: 'ALERT',
    messageType: example?.json.messageType,
    originatorAgency: ORIGINATOR,
    recipientAgency: RECIPIENT,
    caseRef: example?.json.caseRef,
    presentation,
    encrypted: false,
    disclosedPaths,
    withheld,
    policyVersion: 'p-1',
    receipt: receipt?.receiptJws,
    receiptProof: receipt?.proof,
    deliveredAt,
    custodial: false,
  };
}

async function run(
  delivery: unknown,
  raw?: string,
): Promise<{ code: number; out: string; report: Record<string, unknown> }> {
  const file = path.join(work, `delivery-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, raw ?? JSON.stringify({ cursor: '1', delivery }));
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const code = await verifyCommand(undefined, undefined, file, {
      json: true,
      originatorJwks,
      hubJwks,
    });
    const out = chunks.join('');
    return { code, out, report: JSON.parse(out) as Record<string, unknown> };
  } finally {
    spy.mockRestore();
  }
}

async function codeOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'ACCEPTED';
}

const honestToken = (): Promise<string> =>
  signClaims(signers, 'ALERT', claimsOf(example.json, 'ALERT'));

describe('liaison verify', () => {
  it('an honest delivery is VALID: signature, shape, envelope and receipt', async () => {
    const { code, report } = await run(deliveryOf(await honestToken()));
    expect(report).toMatchObject({
      valid: true,
      originator: ORIGINATOR,
      envelope: { valid: true, mismatches: [] },
      receipt: { valid: true },
    });
    expect(code).toBe(0);
  });

  it.each([
    ['caseRef', 'XX-FORGED'],
    ['messageId', '00000000-0000-4000-8000-000000000000'],
    ['originatorAgency', 'de-bka'],
    ['messageType', 'CASE_CLOSED'],
    ['kind', 'CASE_NOTICE'],
    ['disclosedPaths', ['narrative']],
  ])('a delivery whose %s was edited is INVALID, exit 1', async (field, value) => {
    const delivery = { ...deliveryOf(await honestToken()), [field]: value };
    const { code, report } = await run(delivery);
    expect(code).toBe(1);
    expect(report.valid).toBe(false);
    expect(report.envelope).toMatchObject({
      valid: false,
      mismatches: [expect.objectContaining({ field, delivery: value })],
    });
  });

  it('says so in the human output too', async () => {
    const delivery = { ...deliveryOf(await honestToken()), caseRef: 'XX-FORGED' };
    const file = path.join(work, 'forged.json');
    writeFileSync(file, JSON.stringify({ delivery }));
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      expect(await verifyCommand(undefined, undefined, file, { originatorJwks, hubJwks })).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(chunks.join('')).toMatch(
      /delivery envelope: INVALID: caseRef is "XX-FORGED" but the signed message says "NL-2025-0142"/,
    );
  });

  it('refuses a presentation with a __proto__ disclosure, as the hub does', async () => {
    const signer = signers.signerOf(ORIGINATOR);
    const token = resignSdJwt(await honestToken(), signer, (o) =>
      discloseInto(o, o.payload, '__proto__', { narrative: 'through the prototype' }),
    );
    // The hub refuses it; a recipient handed it anyway must refuse it too.
    const delivery = deliveryOf(await honestToken());
    delivery.presentation = token;
    expect(await codeOf(() => run(delivery))).toBe('sdjwt.forbidden-claim-name');
  });

  it('refuses a presentation with a disclosable field in clear', async () => {
    const claims = claimsOf(example.json, 'ALERT');
    const token = await signClaims(signers, 'ALERT', claims, ['subjects[]']);
    const delivery = deliveryOf(await honestToken());
    delivery.presentation = token;
    expect(await codeOf(() => run(delivery))).toBe('sdjwt.disclosable-in-clear');
  });

  it('refuses a delivery file with a duplicate member name', async () => {
    const delivery = deliveryOf(await honestToken());
    const raw = `{"delivery":${JSON.stringify(delivery).replace(/^\{/, '{"caseRef":"XX-FORGED",')}}`;
    expect(await codeOf(() => run(undefined, raw))).toBe('json.duplicate-member');
  });
});
