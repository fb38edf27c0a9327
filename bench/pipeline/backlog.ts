/**
 * The backlog a bench phase drains and how its drain is read, shared by the
 * pipeline phase and the cluster phase: the pre-signed submissions (signed once,
 * cached under .local/bench), their Avro encoding, the recipients each one is
 * entitled to reach at the world's current fan-out, backlog and warm-up sizes,
 * and a drain's rate as the feed reader measured it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { codecFor, messageClaimShape } from '@liaison/contracts';
import { verifySdJwt } from '@liaison/crypto';
import { analyseMessage } from '@liaison/messages';
import { createDataSource } from '@liaison/persistence';
import { decideAll } from '@liaison/policy';
import { loadPolicySnapshot } from '../../apps/policy/src/policy-snapshot';
import { Helper, type EncodedSubmission } from './common';
import { alertTemplates, submissionOf, type SignedMessage } from './presign';
import { benchDir, type BenchKeys, type BenchWorld } from './world';

/** The largest backlog a phase sends. */
export const BACKLOG_MAX = 3000;
/** Pre-signed messages: the backlogs, then the warm-up messages after them. */
export const TOTAL_MESSAGES = BACKLOG_MAX + BACKLOG_MAX / 5;
/**
 * Templates × publishers: message i is signed from template i mod 7 by publisher
 * i mod 4, so its policy outcome is that of message i mod 28.
 */
export const OUTCOME_PERIOD = 28;

export interface ThroughputResult {
  readonly messages: number;
  readonly deliveries: number;
  readonly deliveriesPerSec: number;
  readonly messagesPerSec: number;
  readonly windowMs: number;
}

/** Backlog per fan-out: enough deliveries to see a steady rate, few enough to stay fast. */
export function backlogSize(fanOut: number): number {
  return Math.min(BACKLOG_MAX, Math.max(300, Math.round(16_000 / fanOut)));
}

/**
 * Untimed warm-up before each measured drain, for the pass-throughs and the hub
 * alike: a fifth of the backlog, of messages the backlog does not hold (indices
 * [n, n + warm-up)), so that V8 has compiled the hot paths and the clients have
 * their connections before the clock starts, and the audit app sees no message
 * twice.
 */
export function warmUpSize(fanOut: number): number {
  return Math.round(backlogSize(fanOut) / 5);
}

export async function presignAll(keys: BenchKeys, log: (l: string) => void) {
  const tpl = alertTemplates();
  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        keys: keys.publishers.map((p) => p.signing.kid),
        tpl,
        n: TOTAL_MESSAGES,
        v: 2,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  const file = path.join(benchDir(), `presigned-${hash}.json`);
  const started = Date.now();
  if (existsSync(file)) {
    return {
      messages: JSON.parse(readFileSync(file, 'utf8')) as SignedMessage[],
      cached: true,
      ms: Date.now() - started,
    };
  }
  log(`pre-signing ${TOTAL_MESSAGES} SD-JWTs in 2 processes (cached for later runs)...`);
  const signers = [new Helper('presign.js'), new Helper('presign.js')];
  try {
    const half = TOTAL_MESSAGES / 2;
    const parts = await Promise.all(
      signers.map((s, i) =>
        s.call<SignedMessage[]>('sign', {
          templates: tpl,
          publishers: keys.publishers,
          offset: i * half,
          count: half,
        }),
      ),
    );
    const messages = parts.flat();
    writeFileSync(file, JSON.stringify(messages));
    return { messages, cached: false, ms: Date.now() - started };
  } finally {
    await Promise.all(signers.map((s) => s.stop()));
  }
}

export function encodeSubmissions(messages: readonly SignedMessage[]): EncodedSubmission[] {
  const codec = codecFor('Submission');
  return messages.map((m) => ({
    // Keyed by message id (spreads evenly over partitions and lets the reader match
    // deliveries to sends); the gateway keys by caseRef when there is one.
    key: m.messageId,
    value: codec.encode(submissionOf(m)),
  }));
}

/**
 * The recipients each message of `sample` is entitled to reach at the world's
 * current fan-out (every decision but DENIED, to an agency that receives a
 * feed), decided in-process with the worker's own policy snapshot.
 */
export async function entitledRecipients(
  world: BenchWorld,
  sample: readonly SignedMessage[],
): Promise<string[][]> {
  const ds = createDataSource({ url: world.url, asOwner: true, poolSize: 1 });
  await ds.initialize();
  try {
    const snapshot = await loadPolicySnapshot(ds);
    return sample.map((m) => {
      const verified = verifySdJwt(m.sdJwt, {
        directory: snapshot.keys,
        shape: messageClaimShape(m.kind),
        now: () => Date.parse(m.signedAt),
        maxTokenBytes: 1024 * 1024,
        clockSkewSec: 60,
      });
      const jurisdiction = snapshot.jurisdictionOf.get(m.originatorAgency) ?? '';
      const analysed = analyseMessage(verified, m.kind, jurisdiction);
      return decideAll(snapshot.policies, analysed.facts)
        .filter((d) => d.outcome !== 'DENIED' && snapshot.recipients.has(d.recipient))
        .map((d) => d.recipient);
    });
  } finally {
    await ds.destroy();
  }
}

/** Deliveries each pre-signed message of `sample` yields at the current fan-out. */
export async function deliveriesPerMessage(
  world: BenchWorld,
  sample: readonly SignedMessage[],
): Promise<number[]> {
  return (await entitledRecipients(world, sample)).map((r) => r.length);
}

export function throughput(
  messages: number,
  deliveries: number,
  perSec: number,
  windowMs: number,
  perMessage: number,
): ThroughputResult {
  return {
    messages,
    deliveries,
    deliveriesPerSec: perSec,
    messagesPerSec: perMessage > 0 ? perSec / perMessage : 0,
    windowMs,
  };
}

/** The feed reader's answer to `rate`. */
export interface RateReply {
  readonly records: number;
  readonly perSec: number;
  readonly windowMs?: number;
}
