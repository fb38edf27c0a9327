/**
 * planSlice: the receipts of one signed batch paired with the slice's deliveries
 * in order, each Decision naming the batch, dead letters in input order.
 */
import type { Decision } from '@liaison/contracts';
import type { ReceiptBatch, ReceiptBody } from '@liaison/crypto';
import type { DeliveryPlan, PlannedDelivery } from './delivery-plan';
import { Rejection, rejectionOf } from './rejection';
import { planSlice, type SliceEntry } from './slice-plan';
import { DomainError } from '@liaison/errors';

function delivery(messageId: string, recipientAgency: string): PlannedDelivery {
  const receiptBody: ReceiptBody = {
    messageId,
    recipientAgency,
    disclosedPaths: [],
    withheld: [],
    policyVersion: 'pv',
    presentationDigest: 'digest',
    issuedAt: 1,
  };
  return {
    shared: { messageId } as PlannedDelivery['shared'],
    recipientAgency,
    encryptTo: undefined,
    receiptBody,
  };
}

function plan(messageId: string, recipients: readonly string[]): DeliveryPlan {
  return {
    decision: { messageId, receiptBatch: null } as unknown as Decision,
    deliveries: recipients.map((r) => delivery(messageId, r)),
  };
}

/** A stand-in signer: leaf i's proof says i, the batch names how many it signed. */
function fakeSigner(calls: (readonly ReceiptBody[])[]) {
  return (bodies: readonly ReceiptBody[]): ReceiptBatch => {
    calls.push(bodies);
    return {
      batchId: 'b',
      root: 'r',
      treeSize: bodies.length,
      batchJws: `batch-of-${bodies.length}`,
      receipts: bodies.map((_b, leafIndex) => ({
        receiptJws: `batch-of-${bodies.length}`,
        proof: { leafIndex, treeSize: bodies.length, path: [] },
      })),
    };
  };
}

describe('planSlice', () => {
  it('pairs leaf i with the i-th delivery of the slice and names the batch in every decision', () => {
    const calls: (readonly ReceiptBody[])[] = [];
    const entries: SliceEntry<string>[] = [
      { input: 'in-0', plan: plan('m1', ['a', 'b']) },
      { input: 'in-1', rejection: new Rejection('codec.bad-magic', 'not Avro') },
      { input: 'in-2', plan: plan('m2', []) },
      { input: 'in-3', plan: plan('m3', ['c']) },
    ];
    const outputs = planSlice(entries, fakeSigner(calls));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.map((b) => `${b.messageId}/${b.recipientAgency}`)).toEqual([
      'm1/a',
      'm1/b',
      'm3/c',
    ]);
    expect(
      outputs.map((o) => {
        switch (o.kind) {
          case 'delivery':
            return `delivery ${o.delivery.recipientAgency} leaf ${o.receipt.proof.leafIndex}`;
          case 'decision':
            return `decision ${o.decision.messageId} ${o.decision.receiptBatch}`;
          case 'dead-letter':
            return `dead-letter ${o.input} ${o.rejection.code}`;
        }
      }),
    ).toEqual([
      'delivery a leaf 0',
      'delivery b leaf 1',
      'decision m1 batch-of-3',
      'dead-letter in-1 codec.bad-magic',
      'decision m2 batch-of-3',
      'delivery c leaf 2',
      'decision m3 batch-of-3',
    ]);
  });

  it('signs nothing when no message has a delivery', () => {
    const calls: (readonly ReceiptBody[])[] = [];
    const outputs = planSlice([{ input: 0, plan: plan('m1', []) }], fakeSigner(calls));
    expect(calls).toEqual([]);
    expect(outputs).toEqual([
      { kind: 'decision', decision: { messageId: 'm1', receiptBatch: null } },
    ]);
  });

  it('refuses a batch that does not hold every receipt', () => {
    const short = (bodies: readonly ReceiptBody[]): ReceiptBatch => ({
      ...fakeSigner([])(bodies),
      receipts: [],
    });
    expect(() => planSlice([{ input: 0, plan: plan('m1', ['a']) }], short)).toThrow(
      'receipt batch holds 0 of 1 receipts',
    );
  });
});

describe('rejectionOf', () => {
  it('keeps a domain error code and names anything else unexpected', () => {
    const domain = rejectionOf(new DomainError('contract.invalid', 'bad field'), 'm1');
    expect([domain.code, domain.message, domain.messageId]).toEqual([
      'contract.invalid',
      'bad field',
      'm1',
    ]);
    const other = rejectionOf(new TypeError('boom'), null);
    expect([other.code, other.message]).toEqual(['worker.unexpected', 'boom']);
    const same = new Rejection('submission.empty', 'no value');
    expect(rejectionOf(same, 'm2')).toBe(same);
  });
});
