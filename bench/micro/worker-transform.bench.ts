/**
 * The policy worker's transform alone (apps/policy SubmissionProcessor, no Kafka,
 * no database): 500 pre-signed alerts, in slices as the worker cuts them
 * (DEFAULT_SLICE_BUDGET: 500 inputs, ~2,500 outputs), at fan-out 5, 20 and 200. The baseline is what the raw pass-through does per
 * message (copy the record to F outputs); "verify only" is the one
 * originator-signature verification every message needs. The target for
 * the hub's own CPU per message is (transform − verify) ≤ 50 µs + 2 µs × F; the
 * pipeline's worker CPU adds the Kafka client, which the pass-through pays too.
 * "transform with link pseudonyms" is the same worker with a link key: the A/B
 * of link extraction (target: at most 1.1 × the transform without).
 */
import { codecFor, messageClaimShape } from '@liaison/contracts';
import {
  DEFAULT_MAX_MESSAGE_LIFETIME_SEC,
  KeyDirectory,
  createJwsSigner,
  generateAgencyKeys,
  verifySdJwt,
  type AgencyKey,
} from '@liaison/crypto';
import {
  DEFAULT_SLICE_BUDGET,
  sliceSize,
  type InputRecord,
  type OutputRecord,
} from '@liaison/kafka';
import { newLinkKeyFile, linkKeyRing } from '@liaison/links';
import { compilePolicies, type Agency } from '@liaison/policy';
import { randomBytes } from 'node:crypto';
import { ALL_KNOWN_PATHS } from '@liaison/messages';
import { SubmissionProcessor } from '../../apps/policy/src/submission.processor';
import type { PolicySnapshot, RecipientProfile } from '../../apps/policy/src/policy-snapshot';
import { measure, type Measurement, type MicroBenchmark } from '../harness';
import {
  alertTemplates,
  benchMessage,
  signOne,
  submissionOf,
  type Publisher,
} from '../pipeline/presign';
import { selectorIndex } from '../pipeline/selector-variety';
import {
  PUBLISHER_JURISDICTIONS,
  PURPOSES,
  RECIPIENT_JURISDICTIONS,
  policyFor,
  recipientId,
} from '../pipeline/world';

const SLICE = 500;
const FANOUTS = [5, 20, 200];
const submissionCodec = codecFor('Submission');

function agency(id: string, jurisdiction: string): Agency {
  return {
    id,
    name: id,
    jurisdiction,
    kind: 'LAW_ENFORCEMENT',
    groups: ['BENCH'],
    accreditations: ['VICTIM_SUPPORT', 'MINOR_PROTECTION', 'DATA_PROTECTION_LED'],
    acceptedPurposes: PURPOSES as Agency['acceptedPurposes'],
    retentionDays: 365,
  };
}

/** The pipeline bench's world, in memory: 4 publishers, F recipients, one policy per publisher. */
function snapshotFor(publishers: readonly Publisher[], fanout: number): PolicySnapshot {
  const nowSec = Math.floor(Date.now() / 1000);
  const keys: AgencyKey[] = publishers.map((p) => ({
    agencyId: p.agencyId,
    kid: p.signing.kid,
    use: 'sig',
    alg: p.signing.alg,
    publicJwk: p.signing.publicJwk,
    notBefore: nowSec - 86_400,
    status: 'active',
  }));
  const recipients = Array.from({ length: fanout }, (_, i) =>
    agency(recipientId(i), RECIPIENT_JURISDICTIONS[i % RECIPIENT_JURISDICTIONS.length] ?? 'AT'),
  );
  const policies = compilePolicies(
    PUBLISHER_JURISDICTIONS.map(policyFor),
    {
      agencies: recipients,
      groups: { BENCH: [...PUBLISHER_JURISDICTIONS, ...RECIPIENT_JURISDICTIONS] },
    },
    ALL_KNOWN_PATHS,
  );
  const profiles = new Map<string, RecipientProfile>(
    recipients.map((r) => [
      r.id,
      { jurisdiction: r.jurisdiction, retentionDays: 365, encryptionKey: undefined },
    ]),
  );
  return {
    policies,
    keys: new KeyDirectory(keys),
    jurisdictionOf: new Map([
      ...publishers.map((p, i): [string, string] => [
        p.agencyId,
        PUBLISHER_JURISDICTIONS[i] ?? 'NL',
      ]),
      ...recipients.map((r): [string, string] => [r.id, r.jurisdiction]),
    ]),
    recipients: profiles,
    loadedAt: new Date(),
  };
}

/** Pre-signed alerts as the worker consumes them: the bench's templates and publishers in turn. */
async function slice(publishers: readonly Publisher[]): Promise<InputRecord[]> {
  const templates = alertTemplates();
  const records: InputRecord[] = [];
  for (let i = 0; i < SLICE; i++) {
    const publisher = publishers[i % publishers.length] as Publisher;
    const template = templates[i % templates.length] as Record<string, unknown>;
    const values = selectorIndex(i, templates.length);
    const signed = await signOne(publisher, benchMessage(template, publisher.agencyId, values));
    records.push({
      topic: 'hub.submissions.v1',
      partition: i % 4,
      offset: String(i),
      key: signed.messageId,
      value: submissionCodec.encode(submissionOf(signed)),
      headers: {},
      timestamp: String(Date.now()),
    });
  }
  return records;
}

/** What the pass-through does per slice: every input record, unchanged, to F outputs and a decision. */
function passThrough(records: readonly InputRecord[], fanout: number): OutputRecord[] {
  const out: OutputRecord[] = [];
  for (const r of records) {
    const key = r.key ?? '';
    const value = r.value ?? Buffer.alloc(0);
    for (let f = 0; f < fanout; f++) out.push({ topic: `feed-${f}`, key, value });
    out.push({ topic: 'decisions', key, value });
  }
  return out;
}

export const benchmarks: MicroBenchmark[] = FANOUTS.map((fanout) => ({
  group: `Worker transform per message, F=${fanout}`,
  baseline: 'pass-through copy',
  async run(): Promise<Measurement[]> {
    const publishers: Publisher[] = PUBLISHER_JURISDICTIONS.map((j) => ({
      agencyId: `bench-pub-${j.toLowerCase()}`,
      signing: generateAgencyKeys('EdDSA'),
    }));
    const snapshot = snapshotFor(publishers, fanout);
    const records = await slice(publishers);
    const deps = {
      snapshot: () => snapshot,
      hubSigner: createJwsSigner({ ...generateAgencyKeys('EdDSA'), alg: 'EdDSA' }),
      replays: () => Promise.resolve(new Set<string>()),
      clockSkewSec: 60,
      maxTokenBytes: 256 * 1024,
      maxLifetimeSec: DEFAULT_MAX_MESSAGE_LIFETIME_SEC,
    };
    const processor = new SubmissionProcessor(deps);
    const linking = new SubmissionProcessor({
      ...deps,
      linkKeys: linkKeyRing(newLinkKeyFile(randomBytes(32), Date.now()), Date.now()),
    });
    const decoded = records.map((r) => submissionCodec.decode(r.value as Buffer));
    const perSlice = sliceSize(DEFAULT_SLICE_BUDGET, fanout + 1);
    const slices = Array.from({ length: Math.ceil(SLICE / perSlice) }, (_, i) =>
      records.slice(i * perSlice, (i + 1) * perSlice),
    );
    const transformAll = async (): Promise<number> => {
      let outputs = 0;
      for (const s of slices) outputs += (await processor.transform(s)).length;
      return outputs;
    };
    const outputs = await transformAll();
    if (outputs !== SLICE * (fanout + 1)) {
      throw new Error(`transform gave ${outputs} outputs, expected ${SLICE * (fanout + 1)}`);
    }
    const perMessage = { batches: 10, batchSize: 1, warmup: 2 };
    const scale = (m: Measurement): Measurement => ({
      ...m,
      nsPerOpMedian: m.nsPerOpMedian / SLICE,
      nsPerOpP99: m.nsPerOpP99 / SLICE,
      opsPerSec: m.opsPerSec * SLICE,
      iterations: m.iterations * SLICE,
    });
    return [
      scale(await measure('pass-through copy', () => passThrough(records, fanout), perMessage)),
      scale(
        await measure(
          'verify only (verifySdJwt)',
          () => {
            for (const s of decoded) {
              const at = Date.parse(s.receivedAt);
              verifySdJwt(s.sdJwt, {
                directory: snapshot.keys,
                shape: messageClaimShape(s.kind),
                now: () => at,
                maxTokenBytes: 256 * 1024,
                clockSkewSec: 60,
              });
            }
          },
          perMessage,
        ),
      ),
      scale(
        await measure(
          'transform (SubmissionProcessor)',
          () => processor.transform(records),
          perMessage,
        ),
      ),
      scale(
        await measure(
          'transform with link pseudonyms',
          () => linking.transform(records),
          perMessage,
        ),
      ),
    ];
  },
}));
