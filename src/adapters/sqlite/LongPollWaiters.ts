import type { Delivery } from '../../domain/types.js';
import type { WriteContext } from './GroupCommitWriter.js';

interface Waiter {
  /** Most messages this pull takes: how much of a notify it can absorb. */
  readonly max: number;
  readonly lease: (context: WriteContext) => Delivery[];
  /** Ends the wait: with the lease's result when handed over, with `undefined` on timeout, abort or close. */
  readonly finish: (handed: Promise<Delivery[]> | undefined) => void;
}

/**
 * Long-poll pulls waiting inside one process, per subscription, oldest first.
 *
 * A write that makes messages ready hands them over within its own
 * transaction: it enlists the waiting pulls' leases into its batch, so a
 * waiting consumer is answered by the same commit (and the same fsync) that
 * stored its messages, not woken to start a second one.
 */
export class LongPollWaiters {
  private readonly waiting = new Map<number, Set<Waiter>>();

  /**
   * Waits until a write on `subId` hands this pull its leased messages (possibly
   * none, if other pulls took them first), or `timeoutMs` passes, or `signal`
   * aborts; the last two resolve `undefined`.
   */
  public wait(subId: number, max: number, timeoutMs: number, lease: (context: WriteContext) => Delivery[], signal?: AbortSignal): Promise<Delivery[] | undefined> {
    return new Promise<Delivery[] | undefined>((resolve, reject) => {
      const waiters = this.waitersOf(subId);
      const finish = (handed: Promise<Delivery[]> | undefined): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        waiters.delete(waiter);
        if (waiters.size === 0 && this.waiting.get(subId) === waiters) this.waiting.delete(subId);
        if (handed === undefined) resolve(undefined);
        else handed.then(resolve, reject);
      };
      const onAbort = (): void => finish(undefined);
      const waiter: Waiter = { max, lease, finish };
      const timer = setTimeout(onAbort, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(waiter);
    });
  }

  /**
   * Inside the write that made `ready` messages of `subId` ready (undefined: an
   * unknown number): hands them to waiting pulls, oldest first, until their
   * combined `max` covers them. The others keep waiting.
   */
  public handOver(subId: number, context: WriteContext, ready = Number.POSITIVE_INFINITY): void {
    const waiters = this.waiting.get(subId);
    if (waiters === undefined) return;
    let covered = 0;
    for (const waiter of [...waiters]) {
      if (covered >= ready) break;
      covered += waiter.max;
      waiter.finish(context.enlist(waiter.lease));
    }
  }

  /** Ends every wait without messages (the store is closing). */
  public releaseAll(): void {
    for (const waiters of [...this.waiting.values()]) for (const waiter of [...waiters]) waiter.finish(undefined);
  }

  private waitersOf(subId: number): Set<Waiter> {
    let waiters = this.waiting.get(subId);
    if (waiters === undefined) {
      waiters = new Set();
      this.waiting.set(subId, waiters);
    }
    return waiters;
  }
}
