import { RateLimitedError } from '../domain/errors.js';

/**
 * Counts what each caller holds at once (long-polls) and refuses one more
 * than `limit` with 429, so one token cannot tie up the server's connections.
 *
 * @example
 * const release = longPolls.acquire('token:checkout');
 * try { await pull(); } finally { release(); }
 */
export class ConcurrencyLimiter {
  private readonly held = new Map<string, number>();

  public constructor(
    private readonly limit: number,
    private readonly what: string,
  ) {}

  public acquire(caller: string): () => void {
    const count = this.held.get(caller) ?? 0;
    if (count >= this.limit) throw new RateLimitedError(`${caller} already holds ${count} ${this.what}, the most allowed at once; retry when one returns`, 1);
    this.held.set(caller, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(caller) ?? 1) - 1;
      if (left <= 0) this.held.delete(caller);
      else this.held.set(caller, left);
    };
  }
}
