import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '../../../domain/errors.js';

export interface BackoffOptions {
  /** Attempts before giving up with Unavailable, the first included. @default 200 */
  readonly maxAttempts?: number;
  /** Real time spent losing races before giving up with Unavailable, in ms; well inside the API function's 29 s. @default 10000 */
  readonly maxWaitMs?: number;
  /** Base of the exponential backoff (full jitter), in ms. @default 10 */
  readonly baseDelayMs?: number;
  /** Longest single wait, in ms. @default 250 */
  readonly maxDelayMs?: number;
}

/**
 * Bounded retries of a write that lost a race (a moved partition head, a
 * transaction conflict): each `wait` sleeps a jittered, growing delay, and
 * gives up with Unavailable once the attempts or the time budget run out, so
 * the client retries later instead.
 *
 * The budget is mostly time: under a burst of racing writers one of them can
 * lose many rounds in a row, and it should keep trying for as long as the
 * burst lasts rather than for a fixed number of rounds. The single wait is
 * capped short for the same reason: a writer that lost often must not sleep
 * through the moments when the head is free.
 *
 * @example
 * const backoff = new Backoff(options);
 * while (!(await tryOnce())) await backoff.wait('append to orders#0');
 */
export class Backoff {
  private failures = 0;
  private firstFailureAt = 0;
  private readonly maxAttempts: number;
  private readonly maxWaitMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  public constructor(options: BackoffOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 200;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
    this.baseDelayMs = options.baseDelayMs ?? 10;
    this.maxDelayMs = options.maxDelayMs ?? 250;
  }

  public async wait(what: string): Promise<void> {
    this.failures += 1;
    if (this.failures === 1) this.firstFailureAt = performance.now();
    const waitedMs = performance.now() - this.firstFailureAt;
    if (this.failures >= this.maxAttempts || waitedMs >= this.maxWaitMs) {
      throw new UnavailableError(`could not ${what}: still contended after ${this.failures} attempts in ${Math.round(waitedMs)} ms; retry later`);
    }
    await sleep(Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (this.failures - 1)));
  }

  /** After a success: the next contention starts from the shortest wait again. */
  public reset(): void {
    this.failures = 0;
  }
}
