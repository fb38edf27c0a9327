/**
 * The gateway's Nest application with its routes registered and nothing
 * behind them: no database, no Kafka, no listening socket. Enough to read the
 * OpenAPI document and the route table offline (print-openapi.ts, the
 * document's specs); every infrastructure value is an empty placeholder, so a
 * request served by it would fail, and none ever is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@liaison/config';
import { HubMetrics } from '@liaison/observability';
import { HubKeyFiles } from '@liaison/local-files';
import { GatewayModule } from '../gateway.module';
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
} from '../tokens';
import { buildOpenApiDocument } from './openapi-document';

/** One route as Express holds it: method and OpenAPI-style path (`/v1/cases/{caseRef}`). */
export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
}

export interface DocumentOnlyGateway {
  readonly document: OpenAPIObject;
  readonly routes: readonly RegisteredRoute[];
  close(): Promise<void>;
}

interface ExpressLayer {
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
}

const placeholder = <T>(): T => Object.freeze(Object.create(null) as object) as T;
const EMPTY = placeholder<object>();

function routesOf(app: INestApplication): RegisteredRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const out: RegisteredRoute[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const openApiPath = layer.route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const [method, on] of Object.entries(layer.route.methods))
      if (on && method !== '_all') out.push({ method, path: openApiPath });
  }
  return out;
}

export async function documentOnlyGateway(): Promise<DocumentOnlyGateway> {
  const keysDir = mkdtempSync(path.join(tmpdir(), 'liaison-openapi-'));
  const app = await NestFactory.create(
    GatewayModule.with({
      providers: [
        { provide: CONFIG, useValue: loadConfig({}) },
        { provide: LOGGER, useValue: EMPTY },
        { provide: DATA_SOURCE, useValue: EMPTY },
        { provide: KAFKA, useValue: EMPTY },
        { provide: DIRECTORY_CACHE, useValue: EMPTY },
        { provide: HUB_KEYS, useValue: new HubKeyFiles(keysDir) },
        { provide: FEED_SERVICE, useValue: EMPTY },
        { provide: SUBMISSION_SERVICE, useValue: EMPTY },
        { provide: RELEASE_SENDER, useValue: EMPTY },
        { provide: RATE_LIMITER, useValue: EMPTY },
      ],
      authenticator: placeholder(),
      sessions: placeholder(),
      policyAdmin: placeholder(),
      checks: [],
      metrics: new HubMetrics('gateway'),
      audit: { dataSource: placeholder(), hubPublicJwk: placeholder() },
    }),
    new ExpressAdapter(),
    { bodyParser: false, logger: false, abortOnError: false },
  );
  await app.init();
  return {
    document: buildOpenApiDocument(app),
    routes: routesOf(app),
    close: async () => {
      await app.close();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
