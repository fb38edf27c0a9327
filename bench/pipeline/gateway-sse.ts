/**
 * Gateway memory with many open Server-Sent-Event feeds: starts the real gateway
 * on the bench directory, opens `connections` GET /v1/feed/stream requests, each
 * with a fresh agency token of one of the bench recipients (tokens are single-use;
 * the stream stays open; every bench recipient receives a feed by then), and reads
 * the gateway's RSS before and after.
 */
import type * as http from 'node:http';
import { sleep } from './common';
import { feedStreamRequest } from './sse-feed-reader';
import { rssOf, startNodeApp, stopApp, waitReady } from './processes';
import { recipientId, type BenchKeys } from './world';

export interface GatewaySseResult {
  readonly connections: number;
  readonly opened: number;
  readonly idleRssBytes: number;
  readonly rssBytes: number;
  readonly openMs: number;
  /** Response status (or 'error' / 'timeout') → count, to explain connections that did not open. */
  readonly statuses: Record<string, number>;
}

export async function measureGatewaySse(options: {
  databaseUrl: string;
  brokers: string[];
  keys: BenchKeys;
  connections: number;
  port: number;
  namespace: string;
}): Promise<GatewaySseResult> {
  const gateway = startNodeApp(
    'dist/apps/gateway/src/main.js',
    {
      KAFKA_BROKERS: options.brokers.join(','),
      DATABASE_URL: options.databaseUrl,
      GATEWAY_PORT: String(options.port),
      KAFKA_NAMESPACE: options.namespace,
    },
    options.port,
  );
  const requests: http.ClientRequest[] = [];
  try {
    await waitReady(gateway);
    await sleep(1000);
    const pid = gateway.child.pid ?? 0;
    const idleRssBytes = rssOf(pid);
    const agencies = Object.keys(options.keys.recipients).length;
    const started = Date.now();
    let opened = 0;
    const statuses: Record<string, number> = {};
    const note = (s: string): void => {
      statuses[s] = (statuses[s] ?? 0) + 1;
    };
    const open = (i: number): Promise<void> =>
      new Promise((resolve) => {
        const agencyId = recipientId(i % Math.min(agencies, 200));
        if (!options.keys.recipients[agencyId]) return resolve();
        const req = feedStreamRequest(options.port, options.keys, agencyId);
        requests.push(req);
        const timer = setTimeout(() => {
          note('timeout');
          resolve();
        }, 10_000);
        req.on('response', (res) => {
          note(String(res.statusCode));
          if (res.statusCode === 200) opened++;
          res.on('data', () => undefined);
          clearTimeout(timer);
          resolve();
        });
        req.on('error', () => {
          note('error');
          clearTimeout(timer);
          resolve();
        });
        req.end();
      });
    for (let i = 0; i < options.connections; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, options.connections - i) }, (_, j) => open(i + j)),
      );
    }
    const openMs = Date.now() - started;
    await sleep(3000);
    return {
      connections: options.connections,
      opened,
      idleRssBytes,
      rssBytes: rssOf(pid),
      openMs,
      statuses,
    };
  } finally {
    for (const r of requests) r.destroy();
    await stopApp(gateway);
  }
}
