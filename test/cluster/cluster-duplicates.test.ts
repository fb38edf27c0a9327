/**
 * Exactly once on the three-broker cluster (`npm run test:cluster` only): two
 * policy workers decide a few thousand submissions in back-to-back
 * transactions, each spanning partitions led by all three brokers; then a
 * read_committed reader must find every Decision once per message and every
 * delivery once per entitled pair, nothing duplicated and nothing to a denied
 * pair.
 *
 * A transaction's records go to several leaders at once, and right after a
 * commit the coordinator may still answer CONCURRENT_TRANSACTIONS to the next
 * transaction's AddPartitionsToTxn: kafkajs then retries the send. Unpatched,
 * it retried while the other leaders' produce requests were in flight and sent
 * their records again once they had answered, with new sequence numbers: the
 * broker appended them twice inside one committed transaction
 * (docs/reliability.md, defect 10; libs/kafka/src/send-retry.spec.ts).
 */
import '../support/isolated-namespace';
import type { Admin, Producer } from '@liaison/kafka';
import {
  dropNamespaceDatabase,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import {
  EXAMPLE_FILES,
  createNamespaceTopics,
  deleteNamespaceTopics,
  directoryAgencies,
  kafkaClient,
  newNamespace,
  signedMessage,
  submissionCodec,
  submissionOf,
  topicsOf,
  type SignedMessage,
} from '../chaos/chaos-support';
import {
  NO_DECISION_FAULTS,
  NO_DELIVERY_FAULTS,
  decisionCounts,
  deliveryCounts,
  duplicateDecisionPlaces,
  readOutcome,
} from '../chaos/exactly-once-counts';
import { PacedTraffic } from './paced-traffic';

const MESSAGES = Number(process.env.LIAISON_CLUSTER_MESSAGES ?? '2400');
/** Submissions per send: small, so the workers commit many small transactions. */
const PER_SEND = 24;

jest.setTimeout(30 * 60_000);

/** Counts the lines of a child's output that match, as they arrive (its kept output is bounded). */
function countLines(app: StartedApp, pattern: RegExp, into: { n: number }): void {
  const count = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (pattern.test(line)) into.n++;
  };
  app.process.stdout?.on('data', count);
  app.process.stderr?.on('data', count);
}

describe('exactly once on a three-broker cluster', () => {
  const ns = newNamespace('cluster-dup');
  const topics = topicsOf(ns);
  const workers: StartedApp[] = [];
  let agencies: string[] = [];
  let producer: Producer;
  let admin: Admin;

  beforeAll(async () => {
    if (process.env.LIAISON_CLUSTER_TEST !== '1') throw new Error('run with npm run test:cluster');
    await seedNamespace();
    agencies = await directoryAgencies();
    await createNamespaceTopics(topics, agencies);
    const kafka = kafkaClient(`cluster-dup-${ns}`);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    for (const w of workers) await stopApp(w, 'SIGKILL');
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await deleteNamespaceTopics(ns);
    await dropNamespaceDatabase();
  });

  it('writes each Decision and each delivery once with two workers in back-to-back transactions', async () => {
    const t0 = Date.now();
    const valid: SignedMessage[] = [];
    for (let i = 0; i < MESSAGES; i++)
      valid.push(await signedMessage(EXAMPLE_FILES[i % EXAMPLE_FILES.length] ?? ''));

    const retried = { n: 0 };
    for (const id of ['policy-1', 'policy-2']) {
      const app = await startApp('policy', { KAFKA_NAMESPACE: ns, POLICY_WORKER_ID: id });
      countLines(
        app,
        /CONCURRENT_TRANSACTIONS|concurrent operation on the same transaction/,
        retried,
      );
      workers.push(app);
    }

    // Traffic paced by the workers: the next send waits until they are nearly
    // through the previous ones, so slices stay small and commits back to back.
    const traffic = new PacedTraffic({
      producer,
      admin,
      topic: topics.submissions,
      group: `${ns}.liaison-policy`,
      records: valid.map((m) => ({
        key: m.messageId,
        value: submissionCodec.encode(submissionOf(m)),
      })),
      perSend: PER_SEND,
      maxLag: 2 * PER_SEND,
    });
    expect(await traffic.drained()).toBe(0n);
    for (const w of workers) expect(w.process.exitCode).toBeNull();
    const processedMs = Date.now() - t0;
    for (const w of workers.splice(0)) await stopApp(w, 'SIGTERM');

    const outcome = await readOutcome(topics, agencies);
    const decided = decisionCounts(outcome, new Set(valid.map((m) => m.messageId)));
    const delivered = deliveryCounts(outcome, topics);
    console.log(
      [
        `cluster exactly-once run, namespace ${ns}`,
        `  submissions: ${valid.length}, processed in ${processedMs} ms by 2 workers`,
        `  worker log lines naming CONCURRENT_TRANSACTIONS: ${retried.n}`,
        `  decisions: ${outcome.decisions.length} (${outcome.messagesDecided} messages, ${decided.duplicateDecisions.length} decided more than once)`,
        `  deliveries: ${outcome.deliveries.length}; entitled pairs ${outcome.entitled.size}; denied pairs ${outcome.denied.size}`,
        ...duplicateDecisionPlaces(outcome, t0).slice(0, 40),
      ].join('\n'),
    );
    expect(decided).toEqual(NO_DECISION_FAULTS);
    expect(delivered).toEqual(NO_DELIVERY_FAULTS);
    expect(outcome.deliveries).toHaveLength(outcome.entitled.size);
    expect(outcome.denied.size).toBeGreaterThan(0);
  });
});
