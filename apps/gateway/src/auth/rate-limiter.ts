/**
 * Per-agency token bucket (in this gateway process): a flood from one agency is
 * refused with 429 while the others keep being served.
 */
import { DomainError } from '@liaison/errors';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly burst = Math.max(10, Math.ceil(perMinute / 6)),
  ) {
    this.ratePerMs = perMinute / 60_000;
  }

  take(agencyId: string, now = Date.now()): void {
    let bucket = this.buckets.get(agencyId);
    if (!bucket) {
      bucket = { tokens: this.burst, updatedMs: now };
      this.buckets.set(agencyId, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedMs) * this.ratePerMs);
    bucket.updatedMs = now;
    if (bucket.tokens < 1) {
      const retryAfterSec = Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000);
      throw new DomainError(
        'rate.limited',
        `agency ${agencyId} exceeded ${this.perMinute} requests/minute`,
        'rate-limited',
        {
          retryAfterSec,
        },
      );
    }
    bucket.tokens -= 1;
  }
}
