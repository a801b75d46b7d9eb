import { z } from 'zod';

/**
 * A token bucket's settings: `requestsPerSecond` refill with room for `burst`
 * requests at once; optionally the same for request body bytes (publishing is
 * what carries bytes). The same shape in AUTH_TOKENS_FILE (`rateLimit`) and in
 * CONVEYOR_RATE_LIMIT (JSON).
 */
export interface RateLimit {
  readonly requestsPerSecond: number;
  readonly burst: number;
  readonly bytesPerSecond?: number;
  readonly burstBytes?: number;
}

const positive = (what: string, max: number) =>
  z
    .number({ error: (issue) => `${what} must be a number, but ${JSON.stringify(issue.input)} was provided` })
    .positive({ error: (issue) => `${what} must be greater than 0, but ${JSON.stringify(issue.input)} was provided` })
    .max(max, { error: (issue) => `${what} must be at most ${max}, but ${JSON.stringify(issue.input)} was provided` });

const wholeAtLeastOne = (what: string, max: number) =>
  positive(what, max).int({ error: (issue) => `${what} must be a whole number, but ${JSON.stringify(issue.input)} was provided` });

export const rateLimitSchema = z
  .strictObject({
    requestsPerSecond: positive('requestsPerSecond', 1_000_000),
    burst: wholeAtLeastOne('burst', 1_000_000).optional(),
    bytesPerSecond: positive('bytesPerSecond', 1e12).optional(),
    burstBytes: wholeAtLeastOne('burstBytes', 1e12).optional(),
  }, { error: (issue) => `rateLimit must be an object such as {"requestsPerSecond":50,"burst":100}, but ${JSON.stringify(issue.input) ?? String(issue.input)} was provided` })
  .refine((limit) => limit.burstBytes === undefined || limit.bytesPerSecond !== undefined, { error: 'burstBytes needs bytesPerSecond' })
  .transform(
    (limit): RateLimit => ({
      requestsPerSecond: limit.requestsPerSecond,
      // By default a second's worth, and never less than one request.
      burst: limit.burst ?? Math.max(1, Math.ceil(limit.requestsPerSecond)),
      ...(limit.bytesPerSecond === undefined ? {} : { bytesPerSecond: limit.bytesPerSecond, burstBytes: limit.burstBytes ?? Math.max(1, Math.ceil(limit.bytesPerSecond)) }),
    }),
  );

/**
 * Requests that fail authentication are limited per client address with this,
 * when CONVEYOR_RATE_LIMIT does not say otherwise: enough for a client fixing
 * its token, far too little to guess one.
 */
export const FAILED_AUTH_RATE_LIMIT: RateLimit = { requestsPerSecond: 5, burst: 20 };
