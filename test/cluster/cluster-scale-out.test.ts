/**
 * Scale-out on the three-broker cluster (`npm run test:cluster` only): one
 * policy worker takes a steady stream of submissions; a second and a third
 * join mid-stream and then the first is stopped, each change a rebalance of
 * the submissions topic's partitions under load. Throughout, every stable
 * assignment the group's coordinator holds must give each partition to exactly
 * one worker; at the end, as read_committed readers see it: one Decision per
 * message and each entitled (message, recipient) pair delivered once, nothing
 * to a denied pair.
 */
import '../support/isolated-namespace';
import type { Admin, Producer } from '@liaison/kafka';
import { checkAssignment, type AssignmentCheck } from '../../bench/cluster/exactly-once';
import { groupAssignment } from '../../bench/cluster/group-assignment';
import {
  dropNamespaceDatabase,
  eventually,
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
  sleep,
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
  readOutcome,
} from '../chaos/exactly-once-counts';
import { PacedTraffic } from './paced-traffic';

const MESSAGES = Number(process.env.LIAISON_CLUSTER_MESSAGES ?? '1200');
const PER_SEND = 20;
const PARTITIONS = 4;

jest.setTimeout(30 * 60_000);

describe('scale-out on a three-broker cluster', () => {
  const ns = newNamespace('cluster-scale');
  const topics = topicsOf(ns);
  const group = `${ns}.liaison-policy`;
  const workers: StartedApp[] = [];
  let agencies: string[] = [];
  let producer: Producer;
  let admin: Admin;

  beforeAll(async () => {
    if (process.env.LIAISON_CLUSTER_TEST !== '1') throw new Error('run with npm run test:cluster');
    await seedNamespace();
    agencies = await directoryAgencies();
    await createNamespaceTopics(topics, agencies, PARTITIONS);
    const kafka = kafkaClient(`cluster-scale-${ns}`);
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

  it('gives each partition to one worker at a time and delivers once as workers join and leave', async () => {
    const valid: SignedMessage[] = [];
    for (let i = 0; i < MESSAGES; i++)
      valid.push(await signedMessage(EXAMPLE_FILES[i % EXAMPLE_FILES.length] ?? ''));
    const startWorker = async (id: string): Promise<StartedApp> => {
      // Generous: a loaded two-core machine runs three Kafka nodes beside the workers.
      const app = await startApp(
        'policy',
        { KAFKA_NAMESPACE: ns, POLICY_WORKER_ID: id },
        'ready',
        180_000,
      );
      workers.push(app);
      return app;
    };
    const first = await startWorker('policy-1');

    // The group's assignment, read from its coordinator while the run lasts.
    let watching = true;
    const stableSizes: number[] = [];
    const wrong: AssignmentCheck[] = [];
    const watch = (async () => {
      while (watching) {
        const a = await groupAssignment(admin, group, topics.submissions).catch(() => undefined);
        const size = a ? Object.keys(a.members).length : 0;
        if (a?.state === 'Stable' && size > 0) {
          if (stableSizes[stableSizes.length - 1] !== size) stableSizes.push(size);
          const check = checkAssignment(a.members, PARTITIONS, true);
          if (!check.ok) wrong.push(check);
        }
        await sleep(150);
      }
    })();

    const traffic = new PacedTraffic({
      producer,
      admin,
      topic: topics.submissions,
      group,
      records: valid.map((m) => ({
        key: m.messageId,
        value: submissionCodec.encode(submissionOf(m)),
      })),
      perSend: PER_SEND,
      maxLag: 4 * PER_SEND,
    });
    try {
      await traffic.reached(0.2);
      await startWorker('policy-2');
      await traffic.reached(0.45);
      await startWorker('policy-3');
      // The first stops only once all three have shared the partitions: a
      // third that had not yet joined would leave nothing to observe.
      await eventually(
        () => Promise.resolve(stableSizes.includes(3) ? true : undefined),
        120_000,
        'a stable group of three workers',
      );
      await traffic.reached(0.7);
      await stopApp(first, 'SIGTERM');
      expect(await traffic.drained()).toBe(0n);
      // The two that remain settle into a group of their own.
      await eventually(
        () => Promise.resolve(stableSizes[stableSizes.length - 1] === 2 ? true : undefined),
        120_000,
        'a stable group of the two remaining workers',
      );
    } finally {
      traffic.stop();
      watching = false;
      await watch;
    }
    const remaining = workers.filter((w) => w !== first);
    for (const w of remaining) expect(w.process.exitCode).toBeNull();
    const end = await groupAssignment(admin, group, topics.submissions);
    const endCheck = checkAssignment(end.members, PARTITIONS, true);
    for (const w of remaining) await stopApp(w, 'SIGTERM');

    const outcome = await readOutcome(topics, agencies);
    console.log(
      [
        `cluster scale-out run, namespace ${ns}`,
        `  submissions: ${valid.length}; stable group sizes in turn: ${stableSizes.join(' → ')}`,
        `  at the end: ${JSON.stringify(end.members)}`,
        `  decisions: ${outcome.decisions.length}; deliveries: ${outcome.deliveries.length}; entitled pairs ${outcome.entitled.size}`,
      ].join('\n'),
    );
    // The group grew from one worker to three and ended with two, each assignment exclusive.
    expect(stableSizes[0]).toBe(1);
    expect(Math.max(...stableSizes)).toBe(3);
    expect(stableSizes[stableSizes.length - 1]).toBe(2);
    expect(wrong).toEqual([]);
    expect(endCheck).toMatchObject({ members: 2, ok: true });
    expect(decisionCounts(outcome, new Set(valid.map((m) => m.messageId)))).toEqual(
      NO_DECISION_FAULTS,
    );
    expect(deliveryCounts(outcome, topics)).toEqual(NO_DELIVERY_FAULTS);
    expect(outcome.deliveries).toHaveLength(outcome.entitled.size);
    expect(outcome.denied.size).toBeGreaterThan(0);
  });
});
