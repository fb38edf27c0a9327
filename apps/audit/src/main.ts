/**
 * apps/audit: the share ledger's writer and keeper. Consumes hub.decisions.v1
 * into the append-only ledger (one row per delivery and denial, Merkle leaves),
 * projects every agency feed topic into feed_entry, signs and publishes
 * checkpoints when the ledger grew, purges content past its retention,
 * raises the notices of case requests' legal clocks (DEADLINE_APPROACHING,
 * OVERDUE) to both parties, and records every dead letter in the
 * law-enforcement log.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { codecFor } from '@liaison/contracts';
import { Topic, TypedProducer, groupId } from '@liaison/kafka';
import { DirectoryRepository, purgeLinkRows, verifyStoredLedger } from '@liaison/persistence';
import {
  DomainErrorFilter,
  LastGoodWorld,
  WORLD_RETRY_MS,
  compileWorld,
  databaseCheck,
  linkWorldOf,
  kafkaCheck,
  onShutdown,
  topicLayoutOf,
  listenForWorldChanges,
  sampleConsumerLag,
  bootHubApp,
  runHubApp,
} from '@liaison/runtime';
import { HubKeyFiles } from '@liaison/local-files';
import { LATENCY_BUCKETS } from '@liaison/observability';
import { CaseClockSweep } from './case-clock-sweep';
import { CheckpointPublisher } from './checkpoint-publisher';
import { DEAD_LETTER_LOG_GROUP, DeadLetterLog } from './dead-letter-log';
import { DecisionIngest, LEDGER_GROUP } from './decision-ingest';
import { FeedProjector, type FeedAgency } from './feed-projector';
import { AuditHealthModule } from './health.module';
import { LEDGER_SELF_CHECK_INTERVAL_MS, LedgerSelfCheck } from './ledger-self-check';
import { LedgerWriter } from './ledger-writer';
import type { LinkWorld } from '@liaison/links';
import { RetentionPurge } from './retention-purge';

async function main(): Promise<void> {
  const { config, log, metrics, ds, kafka } = await bootHubApp('audit', { poolSize: () => 6 });
  const rowsWritten = metrics.counter('liaison_ledger_rows_total', 'Ledger rows written');
  const rowsSkipped = metrics.counter(
    'liaison_ledger_rows_skipped_total',
    'Redelivered rows skipped',
  );
  const rejected = metrics.counter(
    'liaison_ledger_rejected_total',
    'Decisions that could not be recorded',
  );
  const feedRows = metrics.counter('liaison_feed_entries_total', 'Feed entries projected');
  const feedStatement = metrics.histogram(
    'liaison_feed_store_seconds',
    'Feed projector: one statement storing the batches of a fetch (insert, NOTIFY, commit)',
    [],
    LATENCY_BUCKETS,
  );
  const feedHandover = metrics.histogram(
    'liaison_feed_handover_seconds',
    "Feed projector: a delivery's create time (the worker, before its transaction) to its hand-over",
    [],
    LATENCY_BUCKETS,
  );
  const feedBatches = metrics.counter(
    'liaison_feed_batches_total',
    'Feed projector: batches (feed topics of a fetch) stored',
  );
  const linkNotices = metrics.counter('liaison_link_notices_total', 'Link notices written');
  const clockNotices = metrics.counter(
    'liaison_case_clock_notices_total',
    'Case clock notices (DEADLINE_APPROACHING, OVERDUE) written',
  );
  const checkpoints = metrics.counter('liaison_checkpoints_total', 'Checkpoints signed');
  const erased = metrics.counter('liaison_content_erased_total', 'Content rows purged', ['table']);
  const deadLettersLogged = metrics.counter(
    'liaison_dead_letters_logged_total',
    'Dead letters recorded in the law-enforcement log (redeliveries not counted)',
  );

  const layout = topicLayoutOf(config);

  // Which agencies' feeds to project and who may learn of links, from the last
  // world that compiled: a row written around the API that does not compile
  // never stops the others' feeds.
  const world = new LastGoodWorld<{ feedAgencies: readonly FeedAgency[]; links: LinkWorld }>({
    read: async () => {
      const rows = await new DirectoryRepository(ds).rows();
      return () => {
        const compiled = compileWorld(rows);
        return {
          feedAgencies: compiled.policyDirectory.agencies.map((a) => ({
            id: a.id,
            retentionDays: a.retentionDays,
          })),
          links: linkWorldOf(compiled),
        };
      };
    },
    log,
    metrics,
  });
  await world.reload('boot');
  world.retryWhileStale(WORLD_RETRY_MS);

  const app = await NestFactory.create(
    AuditHealthModule.with([databaseCheck(ds), kafkaCheck(kafka), world.healthCheck()], metrics),
    { logger: false },
  );
  app.useGlobalFilters(new DomainErrorFilter(log));
  await app.listen(config.audit.metricsPort, '127.0.0.1');

  // Declared before the lock wait, so a standby reports 0 while it waits.
  const role: { writer?: LedgerWriter } = {};
  metrics.sampledGauge(
    'liaison_ledger_writer_active',
    'This audit app holds the ledger writer lock (1) or stands by (0)',
    () => (role.writer?.holdsLock === true ? 1 : 0),
  );
  log.info('waiting for the ledger writer lock');
  const hubKeys = new HubKeyFiles(config.hubKeysDir);
  const writer = await LedgerWriter.open(
    ds,
    undefined,
    { world: () => world.current?.links, signer: hubKeys.hubSigner() },
    { signer: hubKeys.hubSigner(), now: Date.now },
    (error) => log.warn({ err: error }, 'ledger writer lock wait lost its session; waiting again'),
  );
  role.writer = writer;
  log.info({ treeSize: writer.treeSize }, 'ledger writer lock held; tree loaded');

  const ingest = new DecisionIngest(kafka, writer, {
    onIngested: (r) => {
      rowsWritten.inc(r.rowsWritten);
      rowsSkipped.inc(r.rowsSkipped);
      linkNotices.inc(r.linkNotices);
      clockNotices.inc(r.clockNotices);
      if (r.digestMismatches > 0) {
        log.warn({ count: r.digestMismatches }, 'rebuilt presentations differ from their digest');
      }
    },
    onRejected: (record, error) => {
      rejected.inc();
      log.error({ err: error, ...record }, 'decision not recorded in the ledger');
    },
    onRoleChange: (change, error) => {
      if (change === 'left') {
        log.warn({ err: error }, 'ledger writer lock taken by another instance; standing by');
      } else if (change === 'rejoined') {
        log.info({ treeSize: writer.treeSize }, 'ledger writer lock held again; tree loaded');
      } else {
        // A writer that can neither write nor stand by: a restart makes it a standby.
        log.fatal({ err: error }, 'ledger writer could not return from standby; exiting');
        process.exit(1);
      }
    },
    onLockWaitLost: (error) =>
      log.warn({ err: error }, 'ledger writer lock wait lost its session; waiting again'),
  });
  const feed = new FeedProjector(kafka, ds, {
    groupId: groupId('liaison-audit-feed'),
    layout,
    onProjected: (_agency, n) => feedRows.inc(n),
    onStored: ({ statementMs, batches, sinceCreateMs }) => {
      feedStatement.observe(statementMs / 1000);
      feedBatches.inc(batches);
      for (const ms of sinceCreateMs) feedHandover.observe(ms / 1000);
    },
    onUndecodable: (topic, offset, error) =>
      log.error({ err: error, topic, offset }, 'undecodable delivery'),
    onError: (error) => log.error({ err: error }, 'feed projector re-subscription failed'),
    feedAgencies: async () => {
      await world.reload('directory event');
      return world.require().feedAgencies;
    },
  });
  const producer = new TypedProducer(kafka, Topic.checkpoints, codecFor('Checkpoint'));
  await producer.connect();
  const publisher = new CheckpointPublisher(ds, writer, hubKeys.hubSigner(), producer);
  const purge = new RetentionPurge(ds);
  metrics.sampledGauge(
    'liaison_checkpoint_age_seconds',
    'Seconds since the latest signed ledger checkpoint',
    () => publisher.checkpointAgeSeconds(),
  );
  metrics.sampledGauge(
    'liaison_ledger_unsigned_rows',
    'Ledger rows no signed checkpoint covers yet',
    () => publisher.unsignedRows(),
  );
  const selfCheck = new LedgerSelfCheck(() =>
    verifyStoredLedger(ds, hubKeys.hubSigningKey().publicJwk),
  );
  metrics.sampledGauge(
    'liaison_ledger_verified',
    'Latest full verification of the stored ledger: 1 verified, 0 broken',
    () => selfCheck.verifiedState(),
  );
  metrics.sampledGauge(
    'liaison_ledger_verification_findings',
    'Findings of the latest full ledger verification (leaves, sequence, roots, signatures)',
    () => selfCheck.findings(),
  );
  metrics.sampledGauge(
    'liaison_ledger_verification_age_seconds',
    'Seconds since the stored ledger was last verified in full',
    () => selfCheck.ageSeconds(),
  );
  const selfCheckNow = (): void => {
    selfCheck
      .run()
      .then((r) => {
        if (!r.ok) log.error({ summary: r.summary.slice(0, 10) }, 'ledger verification failed');
      })
      .catch((error: unknown) => log.error({ err: error }, 'ledger verification did not run'));
  };
  const stopLag = sampleConsumerLag(kafka, metrics, log, [
    { name: LEDGER_GROUP, groupId: groupId(LEDGER_GROUP), topics: [Topic.decisions] },
    {
      name: DEAD_LETTER_LOG_GROUP,
      groupId: groupId(DEAD_LETTER_LOG_GROUP),
      topics: [Topic.deadLetters],
    },
  ]);
  const clockSweep = new CaseClockSweep(ds, hubKeys.hubSigner());

  const deadLetters = new DeadLetterLog(kafka, ds, {
    onRecorded: (written) => deadLettersLogged.inc(written),
  });

  await ingest.start();
  // With no world that compiles yet, the ledger goes on; feeds wait for one (not ready).
  const feedStarted = (async () => {
    while (world.current === undefined) await new Promise((r) => setTimeout(r, 500));
    await feed.start();
  })();
  feedStarted.catch((error: unknown) => log.error({ err: error }, 'feed projector did not start'));
  await deadLetters.start();
  // The directory decides which feeds to project; policies (and the directory) who
  // may learn of a link. Either change reloads the world at once, without a restart;
  // a failed reload keeps the last good world (logged, degraded).
  const worldChanges = await listenForWorldChanges(config, 'audit', {
    changed: ({ part, reason }) =>
      part === 'directory'
        ? feed.refresh().catch(() => undefined)
        : world.reload(reason).then(
            () => undefined,
            () => undefined,
          ),
    undecodable: (topic, error) => log.warn({ topic, error }, 'undecodable world event ignored'),
  });

  let busy = false;
  const checkpointTimer = setInterval(() => {
    if (busy) return;
    busy = true;
    publisher
      .tick()
      .then((c) => {
        if (c) {
          checkpoints.inc();
          log.info({ treeSize: c.treeSize, rootHash: c.rootHash }, 'checkpoint signed');
        }
      })
      .catch((error: unknown) => log.error({ err: error }, 'checkpoint failed'))
      .finally(() => {
        busy = false;
      });
  }, config.audit.checkpointIntervalMs);
  let sweeping = false;
  const sweepClocks = (): void => {
    if (sweeping) return;
    sweeping = true;
    clockSweep
      .run()
      .then((n) => clockNotices.inc(n))
      .catch((error: unknown) => log.error({ err: error }, 'case clock sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  };
  sweepClocks();
  const clockTimer = setInterval(sweepClocks, config.audit.caseClockIntervalMs);
  selfCheckNow();
  const selfCheckTimer = setInterval(selfCheckNow, LEDGER_SELF_CHECK_INTERVAL_MS);
  const purgeTimer = setInterval(() => {
    purge
      .run()
      .then((r) => {
        erased.inc({ table: 'delivery_content' }, r.deliveries);
        erased.inc({ table: 'feed_entry' }, r.feedEntries);
        erased.inc({ table: 'message_content' }, r.messages);
        erased.inc({ table: 'link_query_quota' }, r.quotaWindows);
        if (r.deliveries + r.feedEntries + r.messages + r.quotaWindows > 0)
          log.info(r, 'content past retention erased');
        return purgeLinkRows(ds);
      })
      .then((linkRows) => erased.inc({ table: 'link_index' }, linkRows))
      .catch((error: unknown) => log.error({ err: error }, 'retention purge failed'));
  }, config.audit.purgeIntervalMs);

  log.info({ port: config.audit.metricsPort }, 'audit service running');
  onShutdown(log, async () => {
    await stopLag();
    clearInterval(checkpointTimer);
    clearInterval(purgeTimer);
    clearInterval(clockTimer);
    clearInterval(selfCheckTimer);
    world.stop();
    await worldChanges.close().catch(() => undefined);
    await ingest.stop().catch(() => undefined);
    await deadLetters.stop().catch(() => undefined);
    await feed.stop();
    await producer.disconnect().catch(() => undefined);
    await writer.close();
    await app.close();
    await ds.destroy();
  });
}

runHubApp(main);
