import type { Delivery } from '../generated/types';

/** A delivery with every field set, for codec and splicer tests. */
export const SAMPLE_DELIVERY: Delivery = {
  messageId: '5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01',
  kind: 'ALERT',
  messageType: 'VICTIM_AT_RISK',
  originatorAgency: 'nl-knp',
  recipientAgency: 'de-bka',
  caseRef: 'NL-2025-0142',
  presentation: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln~WyJzIiwibiIsIngiXQ~',
  encrypted: false,
  disclosedPaths: ['narrative', 'subjects[0]'],
  withheld: [{ path: 'financialIdentifiers[0]', ruleId: 'NL-EU-01' }],
  policyVersion: 'p-1',
  receipt: 'h.p.s',
  receiptProof: { leafIndex: 3, treeSize: 8, path: ['ab'.repeat(32), 'cd'.repeat(32)] },
  deliveredAt: '2025-03-14T06:40:01.250Z',
  custodial: false,
};
