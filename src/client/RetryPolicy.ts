/** How conveyor/client retries a request answered 429 (any request), or 503 or not at all (those safe to repeat). */
export interface RetryOptions {
  /** Attempts in all, the first included; 1 never retries. @default 5 */
  readonly maxAttempts?: number;
  /** The first backoff's upper bound; each retry doubles it. @default 100 */
  readonly baseDelayMs?: number;
  /** No backoff is longer; a Retry-After longer than this is not waited for (the error is thrown). @default 20000 */
  readonly maxDelayMs?: number;
}

export const RETRY_DEFAULTS = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 20_000 } as const;

/** Bounds of the settings, so a typo (1e9 attempts, a negative delay) fails at construction. */
const LIMITS = { maxAttempts: [1, 100], baseDelayMs: [0, 60_000], maxDelayMs: [0, 3_600_000] } as const;

/**
 * Exponential backoff with full jitter (a delay drawn between 0 and
 * `min(maxDelayMs, baseDelayMs · 2^(attempt − 1))`), so many clients refused
 * at once do not come back at once; an answer's Retry-After is a floor.
 *
 * @example
 * const policy = new RetryPolicy({ maxAttempts: 3 });
 * policy.delayMs(2, 1); // at least 1000 ms: the server asked for a second
 */
export class RetryPolicy {
  public readonly maxAttempts: number;
  public readonly baseDelayMs: number;
  public readonly maxDelayMs: number;

  public constructor(
    options: RetryOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.maxAttempts = checked('maxAttempts', options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts);
    this.baseDelayMs = checked('baseDelayMs', options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs);
    this.maxDelayMs = checked('maxDelayMs', options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs);
  }

  /**
   * How long to wait after failed attempt `attempt` (1 for the first): the
   * jittered backoff, or `retryAfterSeconds` when the server asked for longer.
   */
  public delayMs(attempt: number, retryAfterSeconds?: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
    const backoff = Math.floor(this.random() * ceiling);
    return Math.max(backoff, (retryAfterSeconds ?? 0) * 1000);
  }
}

function checked(name: keyof typeof LIMITS, value: number): number {
  const [min, max] = LIMITS[name];
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`retry.${name} must be an integer between ${min} and ${max}, but ${String(value)} was provided`);
  return value;
}

/**
 * Waits `ms`, or less when `signal` aborts (then rejects with its reason).
 * Plain timers, so conveyor/client runs wherever fetch does.
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
