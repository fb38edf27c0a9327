/** What a refused request tells about itself, as the refusal log keeps it. */
import type { Request } from 'express';
import { refusalDetails } from '@liaison/persistence';
import { refusalOfRequest } from './request-refusal';

function request(overrides: Partial<Request>): Request {
  return { method: 'GET', headers: {}, body: undefined, ...overrides } as Request;
}

const at = new Date('2026-12-02T12:00:00.000Z');
const unregistered = (): boolean => false;

describe('refusalOfRequest', () => {
  it('keeps the route pattern as the source, never the raw path', () => {
    const refusal = refusalOfRequest(
      request({ method: 'POST', route: { path: '/v1/alerts/:id' } } as Partial<Request>),
      { status: 400, code: 'contract.invalid' },
      'c-1',
      unregistered,
      at,
    );
    expect(refusalDetails(refusal)).toMatchObject({
      source: 'POST /v1/alerts/:id',
      attribution: 'unknown',
      correlationId: 'c-1',
    });
  });

  it('names a request that matched no route so the log keeps it', () => {
    const refusal = refusalOfRequest(
      request({}),
      { status: 404, code: 'http.404' },
      undefined,
      unregistered,
      at,
    );
    expect(refusalDetails(refusal).source).toBe('GET unmatched');
  });
});
