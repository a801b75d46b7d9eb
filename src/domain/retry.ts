import type { RetryBackoff } from './types.js';

/**
 * Delay before the next delivery after `attempts` failed ones: exponential,
 * `minSeconds · 2^(attempts − 1)`, capped at `maxSeconds` (as Pub/Sub's retry policy).
 */
export function retryDelayMs(backoff: RetryBackoff, attempts: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(backoff.maxSeconds, backoff.minSeconds * 2 ** exponent) * 1000;
}
