import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '../../../domain/errors.js';

export interface BackoffOptions {
  /** Attempts before giving up with Unavailable, the first included. @default 25 */
  readonly maxAttempts?: number;
  /** Base of the exponential backoff (full jitter), in ms. @default 10 */
  readonly baseDelayMs?: number;
  /** Longest single wait, in ms. @default 500 */
  readonly maxDelayMs?: number;
}

/**
 * Bounded retries of a write that lost a race (a moved partition head, a
 * transaction conflict): each `wait` sleeps a jittered, growing delay, and
 * the last one throws Unavailable, so the client retries later instead.
 *
 * @example
 * const backoff = new Backoff(options);
 * while (!(await tryOnce())) await backoff.wait('append to orders#0');
 */
export class Backoff {
  private failures = 0;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  public constructor(options: BackoffOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 25;
    this.baseDelayMs = options.baseDelayMs ?? 10;
    this.maxDelayMs = options.maxDelayMs ?? 500;
  }

  public async wait(what: string): Promise<void> {
    this.failures += 1;
    if (this.failures >= this.maxAttempts) {
      throw new UnavailableError(`could not ${what}: still contended after ${this.failures} attempts; retry later`);
    }
    await sleep(Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (this.failures - 1)));
  }

  /** After a success: the next contention starts from the shortest wait again. */
  public reset(): void {
    this.failures = 0;
  }
}
