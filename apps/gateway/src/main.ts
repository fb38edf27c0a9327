/**
 * apps/gateway: the hub's HTTP API (OpenAPI at /docs), feeds (cursor + SSE), the
 * directory, policy dry-run and four-eyes changes, audit queries and the console.
 */
import 'reflect-metadata';
import * as path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { codecFor } from '@liaison/contracts';
import { Topic, TypedProducer } from '@liaison/kafka';
import { LATENCY_BUCKETS, withCorrelationId } from '@liaison/observability';
import { ReplayStore } from '@liaison/persistence';
import {
  DomainErrorFilter,
  databaseCheck,
  kafkaCheck,
  onShutdown,
  listenForWorldChanges,
  bootHubApp,
  runHubApp,
} from '@liaison/runtime';
import { HubKeyFiles } from '@liaison/local-files';
import { ConsoleSessions } from './auth/console-session';
import { RateLimiter } from './auth/rate-limiter';
import { answerConnectionRefusals } from './http/connection-refusals';
import { GatewayMetrics } from './http/http-metrics';
import { ReleaseSender } from './links/release-sender';
import { RefusalRecorder } from './refusals/refusal-recorder';
import { taxiiErrorRenderer } from './taxii/taxii-http';
import { TokenAuthenticator } from './auth/token-authenticator';
import { DirectoryCache } from './directory-cache';
import { FeedService } from './feed/feed.service';
import { GatewayModule } from './gateway.module';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { TimedExpressAdapter, requestTimeoutsFor } from './http/request-timeouts';
import { PolicyAdmin } from './policy/policy-admin.service';
import { SubmissionService } from './submissions/submission.service';
import { strictJsonBody } from './http/strict-json-body';
import {
  CONFIG,
  DATA_SOURCE,
  DIRECTORY_CACHE,
  FEED_SERVICE,
  HUB_KEYS,
  KAFKA,
  LOGGER,
  RATE_LIMITER,
  RELEASE_SENDER,
  SUBMISSION_SERVICE,
} from './tokens';

async function main(): Promise<void> {
  const { config, log, metrics, ds, kafka } = await bootHubApp('gateway');
  const refusals = metrics.counter(
    'liaison_refusals_total',
    'Requests refused (4xx), each also in the law-enforcement log',
    ['reason'],
  );

  const producer = new TypedProducer(kafka, Topic.submissions, codecFor('Submission'));
  await producer.connect();

  const directory = new DirectoryCache(ds, { log, metrics });
  // No world that compiles at boot: listen anyway, not ready (with the reason), and
  // answer 503 world.unavailable until one does (the reason is logged by the cache).
  await directory.refresh().catch(() => undefined);
  const hubKeys = new HubKeyFiles(config.hubKeysDir);
  hubKeys.hubSigningKey();
  const feedPage = metrics.histogram(
    'liaison_feed_page_seconds',
    "A live feed stream's page query",
    [],
    LATENCY_BUCKETS,
  );
  const feedWake = metrics.histogram(
    'liaison_feed_wake_seconds',
    "From a feed's NOTIFY to its new entries written to a live stream (page query, SSE write)",
    [],
    LATENCY_BUCKETS,
  );
  const feed = new FeedService(ds, config.database.url, log, config.gateway.maxStreamsPerAgency, {
    observePage: (seconds) => feedPage.observe(seconds),
    observeWake: (seconds) => feedWake.observe(seconds),
  });
  await feed.start();
  const gatewayMetrics = new GatewayMetrics(metrics, () => feed.openStreams());
  const submissions = new SubmissionService(ds, directory, producer, hubKeys, {
    maxTokenBytes: config.gateway.maxBodyBytes,
    clockSkewSec: config.clockSkewSeconds,
    maxLifetimeSec: config.messageMaxLifetimeSeconds,
  });
  const refusalRecorder = new RefusalRecorder({
    ds,
    log,
    agencies: async () => (await directory.get()).byId.keys(),
    limitPerWindow: config.gateway.refusalLogLimit,
    windowMs: config.gateway.refusalLogWindowMs,
    refusals,
  });
  await refusalRecorder.start();
  const releases = new ReleaseSender({
    ds,
    log,
    send: (held, requestId, correlationId) =>
      submissions.queueRelease(held, requestId, correlationId),
    due: metrics.gauge(
      'liaison_onward_releases_due',
      'Granted onward releases Kafka has not taken yet (sent again every GATEWAY_RELEASE_RETRY_MS)',
    ),
    retryMs: config.gateway.releaseRetryMs,
  });
  releases.start();
  const sessions = new ConsoleSessions(ds);
  const authenticator = new TokenAuthenticator(
    directory,
    new ReplayStore(ds),
    config.hubAudience,
    config.clockSkewSeconds,
    sessions,
  );

  const app = await NestFactory.create<NestExpressApplication>(
    GatewayModule.with({
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: log },
        { provide: DATA_SOURCE, useValue: ds },
        { provide: KAFKA, useValue: kafka },
        { provide: DIRECTORY_CACHE, useValue: directory },
        { provide: HUB_KEYS, useValue: hubKeys },
        { provide: FEED_SERVICE, useValue: feed },
        { provide: SUBMISSION_SERVICE, useValue: submissions },
        { provide: RELEASE_SENDER, useValue: releases },
        { provide: RATE_LIMITER, useValue: new RateLimiter(config.gateway.rateLimitPerMinute) },
      ],
      authenticator,
      sessions,
      policyAdmin: new PolicyAdmin(ds, kafka, directory),
      checks: [databaseCheck(ds), kafkaCheck(kafka), directory.healthCheck()],
      metrics,
      audit: { dataSource: ds, hubPublicJwk: hubKeys.hubSigningKey().publicJwk },
    }),
    new TimedExpressAdapter(requestTimeoutsFor(config.gateway.requestTimeoutMs)),
    { bodyParser: false, logger: ['error', 'warn'] },
  );
  app.disable('x-powered-by');
  app.use(gatewayMetrics.middleware);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = req.headers['x-correlation-id'];
    withCorrelationId(typeof id === 'string' ? id : undefined, next);
  });
  app.use(...strictJsonBody(config.gateway.maxBodyBytes));
  app.use(express.text({ limit: config.gateway.maxBodyBytes, type: 'application/sd+jwt' }));
  app.use(
    '/console',
    express.static(path.resolve(__dirname, '../../../../apps/gateway/console'), {
      index: 'index.html',
    }),
  );
  app.useGlobalFilters(
    new DomainErrorFilter(
      log,
      (req, answer) => {
        gatewayMetrics.refused(answer.status, answer.code);
        refusalRecorder.observe(req, answer);
      },
      taxiiErrorRenderer,
    ),
  );

  answerConnectionRefusals(app.getHttpServer(), (answer) => {
    gatewayMetrics.refused(answer.status, answer.code);
    refusalRecorder.observeConnection(answer);
  });

  const openApi = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, openApi, { jsonDocumentUrl: 'docs/openapi.json' });

  // Slow clients (slow-loris) are cut off at GATEWAY_REQUEST_TIMEOUT_MS: see TimedExpressAdapter.
  // Changes made through any gateway (or the seed) reach this one as world events.
  const worldChanges = await listenForWorldChanges(config, 'gateway', {
    changed: ({ reason }) =>
      directory.refresh(reason).then(
        () => undefined,
        () => undefined,
      ),
    undecodable: (topic, error) => log.warn({ topic, error }, 'undecodable world event ignored'),
  });
  // A change committed while the listener was joining is in the stored world.
  await directory.refresh('listening').catch(() => undefined);
  await app.listen(config.gateway.port, config.gateway.host);
  log.info({ port: config.gateway.port }, 'gateway listening');

  onShutdown(log, async () => {
    await app.close();
    await worldChanges.close().catch(() => undefined);
    directory.stop();
    await refusalRecorder.stop();
    await releases.stop();
    await feed.stop();
    await producer.disconnect();
    await ds.destroy();
  });
}

runHubApp(main);
