/**
 * A partner's feed reader as agencies run it: GET /v1/feed/stream on the real
 * gateway (Server-Sent Events), one stream per agency, each opened with a fresh
 * agency token. Notes when each delivery's event arrived, by message id, for the
 * publish→SSE latency of the low-load phase.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { createJwsSigner, signAgencyToken } from '@liaison/crypto';
import { summariseLatency, wallMs, type LatencySummary } from './common';
import type { BenchKeys } from './world';

/** A GET /v1/feed/stream request for one agency, with a single-use token. */
export function feedStreamRequest(port: number, keys: BenchKeys, agencyId: string) {
  const k = keys.recipients[agencyId];
  if (!k) throw new Error(`no bench key for ${agencyId}`);
  const signer = createJwsSigner({ privateJwk: k.privateJwk, kid: k.kid, alg: 'EdDSA' });
  const token = signAgencyToken(
    { agencyId, audience: 'liaison-hub', jti: randomUUID(), now: Date.now },
    signer,
  );
  return http.request({
    host: '127.0.0.1',
    port,
    path: '/v1/feed/stream',
    agent: false,
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
}

interface Arrival {
  readonly messageId: string;
  readonly at: number;
}

export class SseFeedReader {
  private readonly requests: http.ClientRequest[] = [];
  readonly arrivals: Arrival[] = [];
  /** Events whose data was not a delivery with a message id (counted, never dropped silently). */
  malformed = 0;

  /** Opens one stream per agency; resolves when every stream answered 200. */
  async open(port: number, keys: BenchKeys, agencies: readonly string[]): Promise<void> {
    await Promise.all(agencies.map((a) => this.openOne(port, keys, a)));
  }

  private openOne(port: number, keys: BenchKeys, agencyId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = feedStreamRequest(port, keys, agencyId);
      this.requests.push(req);
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`feed stream of ${agencyId}: HTTP ${String(res.statusCode)}`));
          res.resume();
          return;
        }
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = wallMs();
          pending += chunk;
          let end = pending.indexOf('\n\n');
          while (end >= 0) {
            this.event(pending.slice(0, end), at);
            pending = pending.slice(end + 2);
            end = pending.indexOf('\n\n');
          }
        });
        resolve();
      });
      req.on('error', reject);
      req.end();
    });
  }

  private event(block: string, at: number): void {
    const data = block
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6))
      .join('\n');
    if (!block.includes('event: delivery')) return; // retry hint, keep-alive
    try {
      const delivery = JSON.parse(data) as { messageId?: unknown };
      if (typeof delivery.messageId !== 'string') throw new Error('no message id');
      this.arrivals.push({ messageId: delivery.messageId, at });
    } catch {
      this.malformed++;
    }
  }

  /** Publish→SSE latency of every event from index `from` whose message has a send time. */
  latency(from: number, sentAt: readonly [string, number][]): LatencySummary {
    const sent = new Map(sentAt);
    const values: number[] = [];
    for (const a of this.arrivals.slice(from)) {
      const s = sent.get(a.messageId);
      if (s !== undefined) values.push(a.at - s);
    }
    return summariseLatency(values);
  }

  close(): void {
    for (const r of this.requests) r.destroy();
  }
}
