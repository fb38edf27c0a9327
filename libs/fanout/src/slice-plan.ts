/**
 * One slice of consumed inputs, assembled: every planned message's deliveries
 * paired with its receipt from the slice's one signed batch (leaf i for the i-th
 * delivery of the slice), its Decision naming that batch, and a dead letter for
 * every rejected input, all in input order. Pure: the caller signs the batch
 * (`signBatch`), encodes the outputs and writes them in one transaction.
 */
import type { Decision } from '@liaison/contracts';
import type { ReceiptBatch, ReceiptBody, SignedReceipt } from '@liaison/crypto';
import type { DeliveryPlan, PlannedDelivery } from './delivery-plan';
import type { Rejection } from './rejection';

export type SliceEntry<Input> =
  | { readonly input: Input; readonly plan: DeliveryPlan }
  | { readonly input: Input; readonly rejection: Rejection };

export type SliceOutput<Input> =
  | {
      readonly kind: 'delivery';
      readonly delivery: PlannedDelivery;
      readonly receipt: SignedReceipt;
    }
  | { readonly kind: 'decision'; readonly decision: Decision }
  | { readonly kind: 'dead-letter'; readonly input: Input; readonly rejection: Rejection };

/** Signs the receipt bodies of a slice as one batch (called only when there is one). */
export type BatchSigner = (bodies: readonly ReceiptBody[]) => ReceiptBatch;

export function planSlice<Input>(
  entries: readonly SliceEntry<Input>[],
  signBatch: BatchSigner,
): SliceOutput<Input>[] {
  const bodies: ReceiptBody[] = [];
  for (const entry of entries)
    if ('plan' in entry) for (const d of entry.plan.deliveries) bodies.push(d.receiptBody);
  const batch = bodies.length > 0 ? signBatch(bodies) : undefined;
  if (batch && batch.receipts.length !== bodies.length)
    throw new Error(`receipt batch holds ${batch.receipts.length} of ${bodies.length} receipts`);
  const outputs: SliceOutput<Input>[] = [];
  let leaf = 0;
  for (const entry of entries) {
    if (!('plan' in entry)) {
      outputs.push({ kind: 'dead-letter', input: entry.input, rejection: entry.rejection });
      continue;
    }
    for (const delivery of entry.plan.deliveries) {
      const receipt = batch?.receipts[leaf++];
      if (!receipt) throw new Error('receipt batch is shorter than the deliveries');
      outputs.push({ kind: 'delivery', delivery, receipt });
    }
    outputs.push({
      kind: 'decision',
      decision: { ...entry.plan.decision, receiptBatch: batch?.batchJws ?? null },
    });
  }
  return outputs;
}
