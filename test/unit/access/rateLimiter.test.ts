import { RateLimiter } from '../../../src/access/RateLimiter.js';
import { TokenBucket } from '../../../src/access/TokenBucket.js';
import { RateLimitedError } from '../../../src/domain/errors.js';

describe('Class: TokenBucket', () => {
  describe('Method: take', () => {
    it('allows a burst up to its capacity, then says how long to wait', () => {
      // Prepare
      const bucket = new TokenBucket(2, 3, 0);

      // Act
      const waits = [1, 2, 3, 4].map(() => bucket.take(1, 0));

      // Assess
      expect(waits).toEqual([0, 0, 0, 0.5]);
    });

    it('refills at its rate, never beyond its capacity', () => {
      // Prepare
      const bucket = new TokenBucket(2, 3, 0);
      bucket.take(3, 0);

      // Act + Assess: 10 s later only 3 fit again
      expect([1, 2, 3, 4].map(() => bucket.take(1, 10_000))).toEqual([0, 0, 0, 0.5]);
    });

    it('lets a cost larger than the whole bucket through once it is full, leaving a debt', () => {
      // Prepare
      const bucket = new TokenBucket(100, 1000, 0);

      // Act
      const first = bucket.take(5000, 0);
      const next = bucket.take(1, 0);

      // Assess: 4,001 units of debt at 100 per second
      expect(first).toBe(0);
      expect(next).toBeCloseTo(40.01, 5);
    });
  });
});

describe('Class: RateLimiter', () => {
  const limit = { requestsPerSecond: 1, burst: 2, bytesPerSecond: 100, burstBytes: 100 };

  describe('Method: charge', () => {
    it('throws RateLimited with whole seconds to wait, naming the caller and the limit', () => {
      // Prepare
      const limiter = new RateLimiter({ now: () => 0 });
      limiter.charge('token "a"', limit, { requests: 2 });

      // Act
      const refusal = (() => {
        try {
          limiter.charge('token "a"', limit, { requests: 1 });
        } catch (error) {
          return error;
        }
        return undefined;
      })();

      // Assess
      expect(refusal).toBeInstanceOf(RateLimitedError);
      expect((refusal as RateLimitedError).retryAfterSeconds).toBe(1);
      expect((refusal as RateLimitedError).message).toContain('token "a" is over its rate limit of 1 requests per second (burst 2)');
    });

    it('charges nothing when the bytes are refused: the request is given back', () => {
      // Prepare
      let now = 0;
      const limiter = new RateLimiter({ now: () => now });
      limiter.charge('c', limit, { requests: 1, bytes: 100 });

      // Act: over on bytes, still one request left in the bucket
      expect(() => limiter.charge('c', limit, { requests: 1, bytes: 50 })).toThrow(/bytes per second/);
      now = 500;

      // Assess: the request given back is still there half a second later
      expect(() => limiter.charge('c', limit, { requests: 1, bytes: 50 })).not.toThrow();
    });

    it('keeps callers apart', () => {
      // Prepare
      const limiter = new RateLimiter({ now: () => 0 });
      limiter.charge('a', limit, { requests: 2 });

      // Act + Assess
      expect(() => limiter.charge('b', limit, { requests: 2 })).not.toThrow();
    });

    it('forgets idle callers first when it must, so memory stays bounded', () => {
      // Prepare
      let now = 0;
      const limiter = new RateLimiter({ now: () => now, maxCallers: 2 });
      limiter.charge('busy', limit, { requests: 2 });
      limiter.charge('idle', limit, { requests: 1 });
      now = 1500;

      // Act: a third caller; 'idle' is full again after 1.5 s, 'busy' is not
      limiter.charge('third', limit, { requests: 1 });

      // Assess: 'busy' is still remembered as empty-ish
      expect(() => limiter.charge('busy', limit, { requests: 2 })).toThrow(RateLimitedError);
    });
  });
});
