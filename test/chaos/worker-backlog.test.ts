/**
 * A worker that was down comes back to a backlog: all of it on one partition, so
 * the first slice holds hundreds of submissions and one transaction carries
 * hundreds of deliveries to the same feed partition. The worker must drain it
 * (outputs larger than the broker's max.message.bytes must be split across
 * produce requests, never fail the transaction forever) and stay exactly once.
 */
import { stopApp, startApp, type StartedApp } from '../support/hub-processes';
import {
  countBy,
  createNamespaceTopics,
  decisionCodec,
  deleteNamespaceTopics,
  deliveryCodec,
  directoryAgencies,
  groupLag,
  kafkaClient,
  newNamespace,
  readCommitted,
  signedMessage,
  sleep,
  submissionCodec,
  submissionOf,
  topicsOf,
} from './chaos-support';

jest.setTimeout(4 * 60_000);

const BACKLOG = 600;

describe('policy worker: a large backlog on one partition', () => {
  const ns = newNamespace('chaos-backlog');
  const topics = topicsOf(ns);
  let worker: StartedApp | undefined;

  afterAll(async () => {
    await stopApp(worker, 'SIGKILL');
    await deleteNamespaceTopics(ns);
  });

  it(`drains ${BACKLOG} submissions queued on one partition, each delivery once`, async () => {
    const agencies = await directoryAgencies();
    await createNamespaceTopics(topics, agencies);
    const kafka = kafkaClient(`backlog-${ns}`);
    const producer = kafka.producer();
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    try {
      const ids = new Set<string>();
      const messages = [];
      for (let i = 0; i < BACKLOG; i++) {
        // The victim alert reaches the most recipients (largest fan-out per slice).
        const m = await signedMessage('alert-victim-at-risk.json');
        ids.add(m.messageId);
        messages.push({
          key: m.messageId,
          partition: 0,
          value: submissionCodec.encode(submissionOf(m)),
        });
      }
      for (let s = 0; s < messages.length; s += 100)
        await producer.send({ topic: topics.submissions, messages: messages.slice(s, s + 100) });

      worker = await startApp('policy', { KAFKA_NAMESPACE: ns, POLICY_WORKER_ID: `backlog-${ns}` });
      const deadline = Date.now() + 120_000;
      let lag = -1n;
      while (Date.now() < deadline) {
        lag = await groupLag(admin, `${ns}.liaison-policy`, topics.submissions);
        if (lag === 0n) break;
        await sleep(500);
      }
      if (lag !== 0n) {
        console.log(`backlog not drained (lag ${lag}):\n${worker.output.join('').slice(-2500)}`);
      }
      expect(lag).toBe(0n);

      const records = await readCommitted([
        topics.decisions,
        ...agencies.map((a) => topics.feed(a)),
      ]);
      const decisions = records
        .filter((r) => r.topic === topics.decisions)
        .map((r) => decisionCodec.decode(r.value ?? Buffer.alloc(0)));
      expect(decisions).toHaveLength(BACKLOG);
      const entitled = decisions.flatMap((d) =>
        d.outcomes
          .filter((o) => o.decision !== 'DENIED')
          .map((o) => `${d.messageId} ${o.recipientAgency}`),
      );
      const deliveries = records
        .filter((r) => r.topic !== topics.decisions)
        .map((r) => deliveryCodec.decode(r.value ?? Buffer.alloc(0)));
      const counts = countBy(deliveries, (d) => `${d.messageId} ${d.recipientAgency}`);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(new Set(counts.keys())).toEqual(new Set(entitled));
      // The worker's own account: every submission, every record, in slices.
      const metrics = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
      const counter = (name: string): number =>
        Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(metrics)?.[1] ?? NaN);
      const slices = counter('liaison_transactions_committed_total');
      expect(counter('liaison_submissions_processed_total')).toBe(BACKLOG);
      expect(counter('liaison_records_produced_total')).toBe(records.length);
      // At most 500 submissions a slice, and more than one submission in most.
      expect(slices).toBeGreaterThanOrEqual(Math.ceil(BACKLOG / 500));
      expect(slices).toBeLessThan(BACKLOG / 10);
      console.log(
        `backlog: ${BACKLOG} submissions on one partition → ${decisions.length} decisions, ${deliveries.length} deliveries, ${slices} transactions`,
      );
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
