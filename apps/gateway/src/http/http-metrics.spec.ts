import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { HubMetrics } from '@liaison/observability';
import { GatewayMetrics, routeOf } from './http-metrics';

function exchange(
  route: string | undefined,
  status: number,
  contentType = 'application/json',
): { req: Request; res: Response & EventEmitter } {
  const req = {
    method: 'POST',
    baseUrl: '',
    ...(route === undefined ? {} : { route: { path: route } }),
  } as unknown as Request;
  const res = Object.assign(new EventEmitter(), {
    statusCode: status,
    getHeader: (name: string) => (name === 'content-type' ? contentType : undefined),
  }) as unknown as Response & EventEmitter;
  return { req, res };
}

describe('GatewayMetrics', () => {
  it('times requests by route pattern, counts 401s and 429s by reason, samples open streams', async () => {
    const metrics = new HubMetrics('gateway-spec');
    let streams = 3;
    const gateway = new GatewayMetrics(metrics, () => streams);
    const next: NextFunction = () => undefined;
    const a = exchange('/v1/policies/drafts/:id/approve', 200);
    gateway.middleware(a.req, a.res, next);
    a.res.emit('finish');
    const sse = exchange('/v1/feed/stream', 200, 'text/event-stream');
    gateway.middleware(sse.req, sse.res, next);
    sse.res.emit('finish');
    gateway.refused(401, 'auth.token-expired');
    gateway.refused(429, 'rate.limited');
    gateway.refused(403, 'auth.role-required');
    streams = 5;
    const text = await metrics.render();
    expect(text).toContain(
      'liaison_http_request_duration_seconds_count{app="gateway-spec",route="/v1/policies/drafts/:id/approve",method="POST",status="200"} 1',
    );
    expect(text).not.toContain('route="/v1/feed/stream"');
    expect(text).toContain('liaison_http_requests_total{status="200",app="gateway-spec"} 2');
    expect(text).toContain(
      'liaison_auth_failures_total{reason="auth.token-expired",app="gateway-spec"} 1',
    );
    expect(text).toContain(
      'liaison_rate_limited_total{reason="rate.limited",app="gateway-spec"} 1',
    );
    expect(text).not.toContain('auth.role-required');
    expect(text).toContain('liaison_sse_streams_open{app="gateway-spec"} 5');
  });

  it('names unmatched requests without their path', () => {
    expect(routeOf(exchange(undefined, 404).req)).toBe('unmatched');
  });
});
