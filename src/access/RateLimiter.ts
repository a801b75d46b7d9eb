import { RateLimitedError } from '../domain/errors.js';
import type { RateLimit } from './rateLimits.js';
import { TokenBucket } from './TokenBucket.js';

interface Buckets {
  readonly requests: TokenBucket;
  readonly bytes: TokenBucket | undefined;
}

export interface RateLimiterOptions {
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** Callers remembered at once; the least recently seen idle ones are forgotten first. @default 10000 */
  readonly maxCallers?: number;
}

/**
 * Token buckets per caller (a token's name, or a client address), for requests
 * and for request body bytes. Refusals say how long to wait (Retry-After) and
 * take nothing from the bucket.
 *
 * @example
 * const limiter = new RateLimiter();
 * limiter.charge('token:checkout', { requestsPerSecond: 50, burst: 100 }, { requests: 1 });
 */
export class RateLimiter {
  private readonly callers = new Map<string, Buckets>();
  private readonly now: () => number;
  private readonly maxCallers: number;

  public constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxCallers = options.maxCallers ?? 10_000;
  }

  /** Charges one request and `bytes` of body to the caller, or throws RateLimited (429) and charges nothing. */
  public charge(caller: string, limit: RateLimit, cost: { readonly requests?: number; readonly bytes?: number }): void {
    const now = this.now();
    const buckets = this.bucketsOf(caller, limit, now);
    const requests = cost.requests ?? 0;
    const bytes = cost.bytes ?? 0;
    // Check both before taking from either, so a refusal charges nothing.
    const requestWait = requests > 0 ? buckets.requests.take(requests, now) : 0;
    if (requestWait > 0) throw this.refusal(caller, `${limit.requestsPerSecond} requests per second (burst ${limit.burst})`, requestWait);
    if (bytes > 0 && buckets.bytes !== undefined) {
      const byteWait = buckets.bytes.take(bytes, now);
      if (byteWait > 0) {
        // Give the request back: it is not being served.
        if (requests > 0) buckets.requests.refund(requests);
        throw this.refusal(caller, `${limit.bytesPerSecond} request body bytes per second (burst ${limit.burstBytes})`, byteWait);
      }
    }
  }

  private refusal(caller: string, what: string, waitSeconds: number): RateLimitedError {
    const retryAfter = Math.max(1, Math.ceil(waitSeconds));
    return new RateLimitedError(`${caller} is over its rate limit of ${what}; retry after ${retryAfter} s`, retryAfter);
  }

  private bucketsOf(caller: string, limit: RateLimit, now: number): Buckets {
    const existing = this.callers.get(caller);
    if (existing !== undefined) {
      // Most recently seen last, so eviction finds the idle ones first.
      this.callers.delete(caller);
      this.callers.set(caller, existing);
      return existing;
    }
    if (this.callers.size >= this.maxCallers) this.forgetIdle(now);
    const created: Buckets = {
      requests: new TokenBucket(limit.requestsPerSecond, limit.burst, now),
      bytes: limit.bytesPerSecond === undefined ? undefined : new TokenBucket(limit.bytesPerSecond, limit.burstBytes ?? limit.bytesPerSecond, now),
    };
    this.callers.set(caller, created);
    return created;
  }

  /** Forgets callers whose buckets are full again (they lose nothing); failing that, the least recently seen. */
  private forgetIdle(now: number): void {
    for (const [caller, buckets] of this.callers) {
      if (buckets.requests.isFull(now) && (buckets.bytes?.isFull(now) ?? true)) this.callers.delete(caller);
    }
    const oldest = this.callers.keys().next();
    if (this.callers.size >= this.maxCallers && oldest.done !== true) this.callers.delete(oldest.value);
  }
}
