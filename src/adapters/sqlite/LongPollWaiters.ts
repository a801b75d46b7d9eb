/**
 * Long-poll wake-ups inside one process: receivers wait on a subscription,
 * and any commit that makes messages ready there wakes them at once.
 */
export class LongPollWaiters {
  private readonly waiting = new Map<number, Set<() => void>>();

  /** Resolves on the first of: a notify for `subId`, `timeoutMs` elapsed, or `signal` aborted. */
  public wait(subId: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      let set = this.waiting.get(subId);
      if (set === undefined) {
        set = new Set();
        this.waiting.set(subId, set);
      }
      const waiters = set;
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(subId) === waiters) this.waiting.delete(subId);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      waiters.add(done);
    });
  }

  public notify(subId: number): void {
    const set = this.waiting.get(subId);
    if (set === undefined) return;
    for (const done of [...set]) done();
  }

  public notifyAll(): void {
    for (const subId of [...this.waiting.keys()]) this.notify(subId);
  }
}
