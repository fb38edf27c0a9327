/**
 * The gateway's operator metrics: request duration by route (the route pattern,
 * never the raw path, so ids do not explode the series), requests by status,
 * authentication failures and 429s by reason, and the open SSE feed streams.
 */
import type { NextFunction, Request, Response } from 'express';
import type { HubMetrics } from '@liaison/observability';

/** Seconds: from a cached read to a slow dry-run or audit export. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route a request matched, as its pattern (`/v1/policies/drafts/:id/approve`). */
export function routeOf(req: Request): string {
  // Express types the matched route as `any`: read its pattern as unknown.
  const route: unknown = (req as { route?: unknown }).route;
  const pattern: unknown =
    typeof route === 'object' && route !== null ? (route as { path?: unknown }).path : undefined;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  return req.baseUrl !== '' ? req.baseUrl : 'unmatched';
}

export class GatewayMetrics {
  private readonly requests;
  private readonly duration;
  private readonly authFailures;
  private readonly rateLimited;

  constructor(metrics: HubMetrics, openStreams: () => number) {
    this.requests = metrics.counter('liaison_http_requests_total', 'HTTP requests', ['status']);
    this.duration = metrics.histogram(
      'liaison_http_request_duration_seconds',
      'HTTP request duration by route pattern, method and status',
      ['route', 'method', 'status'],
      DURATION_BUCKETS,
    );
    this.authFailures = metrics.counter(
      'liaison_auth_failures_total',
      'Requests refused with 401 (no, bad, expired or replayed token), by reason code',
      ['reason'],
    );
    this.rateLimited = metrics.counter(
      'liaison_rate_limited_total',
      'Requests refused with 429 (rate limit, too many open streams), by reason code',
      ['reason'],
    );
    metrics.sampledGauge('liaison_sse_streams_open', 'Open SSE feed streams', openStreams);
  }

  /** Express middleware: times every request until its response is finished. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const status = String(res.statusCode);
      this.requests.inc({ status });
      // A feed stream lasts as long as the client stays: counted as open streams instead.
      if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
      this.duration.observe(
        { route: routeOf(req), method: req.method, status },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };

  /** A refused request (the error filter's observer): 401s and 429s by their code. */
  refused(status: number, code: string): void {
    if (status === 401) this.authFailures.inc({ reason: code });
    else if (status === 429) this.rateLimited.inc({ reason: code });
  }
}
