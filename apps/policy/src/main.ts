/**
 * apps/policy: the Kafka worker. Consumes hub.submissions.v1 and, per slice, writes
 * deliveries, decisions, dead letters and the consumed offsets in one transaction.
 * Hot-reloads policies and the directory when their compacted topics change.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Topic, TransactionalProcessor, groupId } from '@liaison/kafka';
import { ReplayStore, consentRequestsByIds, onwardKnowledge } from '@liaison/persistence';
import {
  DomainErrorFilter,
  WORLD_RETRY_MS,
  databaseCheck,
  kafkaCheck,
  onShutdown,
  listenForWorldChanges,
  sampleConsumerLag,
  bootHubApp,
  runHubApp,
} from '@liaison/runtime';
import { HubKeyFiles } from '@liaison/local-files';
import { LATENCY_BUCKETS } from '@liaison/observability';
import { WorkerHealthModule } from './health.module';
import { limitHeapGrowth } from './heap-growth';
import { worldOfWorker } from './policy-snapshot';
import { PendingSliceOutcomes } from './slice-outcomes';
import { SubmissionProcessor } from './submission.processor';

async function main(): Promise<void> {
  limitHeapGrowth();
  const { config, log, metrics, ds, kafka } = await bootHubApp('policy', { poolSize: () => 4 });
  const processed = metrics.counter('liaison_submissions_processed_total', 'Submissions committed');
  const deadLetters = metrics.counter(
    'liaison_dead_letters_total',
    'Submissions sent to the dead-letter topic',
    ['reason'],
  );
  const txErrors = metrics.counter('liaison_transaction_errors_total', 'Aborted transactions');
  // Submissions ÷ transactions is the average slice; records ÷ submissions the fan-out.
  const transactions = metrics.counter(
    'liaison_transactions_committed_total',
    'Transactions committed (one per slice of submissions)',
  );
  const produced = metrics.counter(
    'liaison_records_produced_total',
    'Records committed: deliveries, decisions and dead letters',
  );

  // Where a submission's time in the worker goes: its slice's transform (with the
  // replay check's database round trip inside it) and the transaction's round trips.
  const transformSeconds = metrics.histogram(
    'liaison_slice_transform_seconds',
    'Transform of one slice, replay check included',
    [],
    LATENCY_BUCKETS,
  );
  const commitSeconds = metrics.histogram(
    'liaison_slice_commit_seconds',
    "One slice's produce calls, offsets and commit",
    [],
    LATENCY_BUCKETS,
  );
  // The commit's round trips, and what a submission waited before its slice began.
  const commitPhase = (name: string, help: string) =>
    metrics.histogram(`liaison_slice_${name}_seconds`, help, [], LATENCY_BUCKETS);
  const waitSeconds = commitPhase(
    'wait',
    "Mean wait of a slice's submissions before it began (publish, fetch, earlier slices)",
  );
  const produceSeconds = commitPhase('produce', "One slice's produce calls");
  const offsetsSeconds = commitPhase(
    'offsets',
    "One slice's consumed offsets sent to the transaction",
  );
  const endSeconds = commitPhase('end', "One slice's EndTxn (the commit)");
  const replaySeconds = metrics.histogram(
    'liaison_replay_check_seconds',
    "One slice's replay check (a database round trip)",
    [],
    LATENCY_BUCKETS,
  );
  const onwardSeconds = metrics.histogram(
    'liaison_onward_check_seconds',
    "One slice's onward-sharing read of the link index (a database round trip beside the replay check)",
    [],
    LATENCY_BUCKETS,
  );

  const decisions = metrics.counter(
    'liaison_decisions_total',
    'Recipient decisions committed, by outcome and reason (the denying rule, or shared)',
    ['outcome', 'reason'],
  );
  const publishToFeed = metrics.histogram(
    'liaison_publish_to_feed_seconds',
    "From the gateway's acceptance of a message to its deliveries committed to the partner feeds",
    [],
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );
  const outcomes = new PendingSliceOutcomes();

  // The last world that compiled; none at boot means not ready (with the reason)
  // and nothing consumed until one does (retried every few seconds).
  const world = worldOfWorker(ds, { log, metrics });
  const first = await world.reload('boot');
  if (first)
    log.info(
      { worldVersion: first.policies.worldVersion, agencies: first.policies.agencies.length },
      'policies loaded',
    );
  world.retryWhileStale(WORLD_RETRY_MS);
  const replays = new ReplayStore(ds);
  const hubKeys = new HubKeyFiles(config.hubKeysDir);
  const processor = new SubmissionProcessor({
    snapshot: () => world.require(),
    hubSigner: hubKeys.hubSigner(),
    linkKeys: hubKeys.linkKeyRing(),
    replays: async (entries) => {
      const timer = replaySeconds.startTimer();
      try {
        return await replays.rememberMany(entries);
      } finally {
        timer();
      }
    },
    onward: async (questions) => {
      const timer = onwardSeconds.startTimer();
      try {
        return await onwardKnowledge(ds, questions);
      } finally {
        timer();
      }
    },
    releases: (requestIds) => consentRequestsByIds(ds, requestIds),
    clockSkewSec: config.clockSkewSeconds,
    maxTokenBytes: config.gateway.maxBodyBytes,
    maxLifetimeSec: config.messageMaxLifetimeSeconds,
    onDeadLetter: (reason) => deadLetters.inc({ reason }),
    outcomes,
  });

  const worker = new TransactionalProcessor(kafka, {
    groupId: groupId('liaison-policy'),
    inputTopic: Topic.submissions,
    // Per input partition, the same for every instance: the owner fences the previous one.
    transactionalId: groupId('liaison-policy'),
    sessionTimeoutMs: Number(process.env.POLICY_SESSION_TIMEOUT_MS ?? 10000),
    transform: (records) => processor.transform(records),
    release: (outputs) => processor.release(outputs),
    onCommitted: (slice) => {
      const committed = outcomes.take(slice.partition, slice.lastOffset);
      const now = Date.now();
      for (const d of committed?.decisions ?? []) decisions.inc(d);
      for (const at of committed?.receivedAtMs ?? []) publishToFeed.observe((now - at) / 1000);
      processed.inc(slice.inputs);
      transactions.inc();
      produced.inc(slice.outputs);
      transformSeconds.observe(slice.transformMs / 1000);
      commitSeconds.observe(slice.commitMs / 1000);
      waitSeconds.observe(slice.waitMs / 1000);
      produceSeconds.observe(slice.produceMs / 1000);
      offsetsSeconds.observe(slice.offsetsMs / 1000);
      endSeconds.observe(slice.endMs / 1000);
    },
    onFatal: (error) => {
      // Never sit "ready" while consuming nothing: exit so the supervisor restarts it.
      log.fatal({ err: error }, 'consumer stopped for good; exiting');
      process.exit(1);
    },
    onError: (error, phase) => {
      txErrors.inc();
      log.warn({ err: error, phase }, 'transaction aborted; retrying from committed offsets');
    },
    onSkipped: (partition, records, committedOffset) =>
      log.warn(
        { partition, records, committedOffset },
        'fetch returned already-committed submissions; skipped',
      ),
  });

  const app = await NestFactory.create(
    WorkerHealthModule.with([databaseCheck(ds), kafkaCheck(kafka), world.healthCheck()], metrics),
    { logger: ['error', 'warn'] },
  );
  app.useGlobalFilters(new DomainErrorFilter(log));
  const worldChanges = await listenForWorldChanges(config, 'policy', {
    changed: async ({ reason }) => {
      // Never throws: a world that does not compile keeps the previous one (logged, degraded).
      const now = await world.reload(reason);
      if (now && world.staleReason === undefined)
        log.info({ reason, worldVersion: now.policies.worldVersion }, 'policies reloaded');
    },
    undecodable: (topic, error) => log.warn({ topic, error }, 'undecodable world event ignored'),
  });
  await app.listen(config.policy.metricsPort, '127.0.0.1');

  let started = false;
  let stopping = false;
  const stopLag = sampleConsumerLag(kafka, metrics, log, [
    { name: 'liaison-policy', groupId: groupId('liaison-policy'), topics: [Topic.submissions] },
  ]);
  onShutdown(log, async () => {
    stopping = true;
    await stopLag();
    world.stop();
    await worldChanges.close().catch(() => undefined);
    if (started) await worker.stop();
    await app.close();
    await ds.destroy();
  });
  while (world.current === undefined && !stopping) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (stopping) return;
  await worker.start();
  started = true;
  log.info({ port: config.policy.metricsPort }, 'policy worker running');
}

runHubApp(main);
