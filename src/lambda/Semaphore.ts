/**
 * At most `limit` tasks at once; the others wait, first come first served.
 * Powertools' batch processor runs a batch's records either one after the
 * other or all at once; this bounds the "all at once" to `concurrency`.
 *
 * @example
 * const slots = new Semaphore(2);
 * await Promise.all(records.map((record) => slots.run(() => handle(record))));
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  public constructor(private readonly limit: number) {}

  public async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `running` never dips below the truth.
      const next = this.waiting.shift();
      if (next === undefined) this.running -= 1;
      else next();
    }
  }
}
