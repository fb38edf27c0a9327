/**
 * Builds real, originator-signed submissions for tests: a schema example with a
 * fresh id and times (and any overrides), signed with the demo agency's own key,
 * wrapped in the Avro Submission envelope.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { codecFor, type Submission } from '@liaison/contracts';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { signMessage } from '../../apps/cli/src/message-signing';
import { DEMO_KEYS_DIR, ROOT } from './hub-processes';

export const submissionCodec = codecFor('Submission');

export function example(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(path.join(ROOT, 'schemas/examples', `${name}.json`), 'utf8'),
  ) as Record<string, unknown>;
}

export type Overrides = (message: Record<string, unknown>) => void;

/** A fresh copy of an example, sent by `originator`, with overrides applied. */
export function freshMessage(
  name: string,
  originator: string,
  overrides?: Overrides,
): Record<string, unknown> {
  const m = example(name);
  const now = new Date().toISOString();
  m.messageId = randomUUID();
  m.originatorAgency = originator;
  m.issuedAt = now;
  if ('validFrom' in m) m.validFrom = now;
  if ('validUntil' in m && m.validUntil !== null)
    m.validUntil = new Date(Date.now() + 86400_000).toISOString();
  overrides?.(m);
  return m;
}

export async function signedSubmission(
  message: Record<string, unknown>,
): Promise<{ submission: Submission; bytes: Buffer }> {
  const identity = new AgencyIdentity({
    agency: String(message.originatorAgency),
    keys: DEMO_KEYS_DIR,
  });
  const { kind, sdJwt } = await signMessage(identity, message);
  const submission: Submission = {
    messageId: String(message.messageId),
    kind,
    originatorAgency: String(message.originatorAgency),
    sdJwt,
    custodial: false,
    receivedAt: new Date().toISOString(),
    idempotencyKey: null,
    caseRef: (message.caseRef as string | null) ?? null,
    correlationId: randomUUID(),
    releaseOf: null,
  };
  return { submission, bytes: submissionCodec.encode(submission) };
}

export function handling(m: Record<string, unknown>): Record<string, unknown> {
  return m.handling as Record<string, unknown>;
}
