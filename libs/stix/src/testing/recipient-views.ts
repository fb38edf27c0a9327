/**
 * Test support: the example messages signed by their originators, presented to
 * a recipient with a chosen set of disclosures, and verified as the recipient
 * would: a delivery and the claims it yields, ready for libs/stix.
 */
import { messageKindOfClaims, type Delivery, type MessageKind } from '@liaison/contracts';
import {
  presentFor,
  verifyPresentation,
  verifySdJwt,
  withheldPathsOf,
  type VerifiedSdJwt,
} from '@liaison/crypto';
import {
  claimsOf,
  exampleSigners,
  hubVerifyOptions,
  loadExamples,
  recipientVerifyOptions,
  signClaims,
  type ExampleSigners,
} from '../../../messages/src/testing/signed-examples';
import type { RecipientView } from '../message-stix';

export interface SignedExample {
  readonly name: string;
  readonly kind: MessageKind;
  readonly json: Readonly<Record<string, unknown>>;
  readonly verified: VerifiedSdJwt;
}

export async function signedExamples(): Promise<{
  signers: ExampleSigners;
  examples: SignedExample[];
}> {
  const examples = loadExamples();
  const signers = exampleSigners([
    ...new Set(examples.map((e) => String(e.json.originatorAgency))),
  ]);
  const out: SignedExample[] = [];
  for (const e of examples) {
    const kind = messageKindOfClaims(e.json);
    const token = await signClaims(signers, kind, claimsOf(e.json, kind));
    out.push({
      name: e.file,
      kind,
      json: e.json,
      verified: verifySdJwt(token, hubVerifyOptions(signers.directory, kind)),
    });
  }
  return { signers, examples: out };
}

/** The example as `recipient` receives it with only the disclosures `keep` chooses. */
export function recipientView(
  signers: ExampleSigners,
  example: SignedExample,
  recipient: string,
  keep: (index: number) => boolean,
): RecipientView {
  const indices = example.verified.disclosures.map((d) => d.index).filter(keep);
  const presentation = presentFor(example.verified, indices);
  const seen = verifyPresentation(presentation, recipientVerifyOptions(signers.directory));
  const presented = new Set(
    example.verified.disclosures
      .filter((d) => seen.disclosedPaths.includes(d.concretePath))
      .map((d) => d.index),
  );
  const withheld = withheldPathsOf(example.verified, [...presented]);
  const json = example.json;
  const delivery: Delivery = {
    messageId: String(json.messageId),
    kind: example.kind,
    messageType: String(json.messageType),
    originatorAgency: String(json.originatorAgency),
    recipientAgency: recipient,
    caseRef: typeof json.caseRef === 'string' ? json.caseRef : null,
    presentation,
    encrypted: false,
    disclosedPaths: [...seen.disclosedPaths],
    withheld: withheld.map((path) => ({ path, ruleId: 'TEST-RULE' })),
    policyVersion: 'p-test',
    receipt: 'h.p.s',
    receiptProof: { leafIndex: 0, treeSize: 1, path: [] },
    deliveredAt: '2026-01-15T12:00:01.000Z',
    custodial: false,
  };
  return { delivery, claims: seen.claims, disclosedPaths: seen.disclosedPaths };
}
