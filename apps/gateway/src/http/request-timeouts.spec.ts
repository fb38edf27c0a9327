/** The gateway's slow-client deadlines all follow the one configured request timeout. */
import { requestTimeoutsFor } from './request-timeouts';

describe('requestTimeoutsFor', () => {
  it.each([
    [15_000, 10_000, 1000],
    [3000, 3000, 300],
    [1000, 1000, 100],
    [600_000, 10_000, 1000],
  ])('%d ms → headers %d ms, checked every %d ms', (request, headers, check) => {
    expect(requestTimeoutsFor(request)).toEqual({
      requestTimeoutMs: request,
      headersTimeoutMs: headers,
      checkIntervalMs: check,
    });
  });
});
