import { LeaseLostError } from '../errors.js';
import type { RetryPolicy } from '../RetryPolicy.js';
import type { AckResult } from '../types.js';

/** Most ack ids one extend request takes (AckIds, maxItems). */
const MAX_ACK_IDS = 1000;
/** Share of a lease left when it is extended: a third, so an extension has that long to arrive. */
const MARGIN = 1 / 3;

export interface LeaseKeeperSettings {
  readonly extend: (ackIds: string[], seconds: number) => Promise<AckResult>;
  readonly retry: RetryPolicy;
  readonly onError: (error: unknown) => void;
  readonly now?: () => number;
}

/** A lease in hand: when it ends (ms) and how long each of its terms lasts (ms). */
interface Lease {
  readonly endsAt: number;
  readonly lengthMs: number;
}

/**
 * Keeps the leases of the messages in hand: once two thirds of a lease have
 * passed, it extends it (with every other lease that is due within the next
 * sixth of its own length, one request per lease length) by the length the
 * lease was given (the delivery's `leaseSeconds`), for as long as the
 * message is tracked. Each lease has its own length, so a deadline changed
 * while the loop runs applies to the leases taken under it. A lease the
 * server refuses to extend is lost: it is dropped and reported, and the
 * message will be delivered again. A failed request is retried with the
 * client's backoff.
 *
 * @example
 * const keeper = new LeaseKeeper({ extend: (ackIds, seconds) => client.extend(topic, sub, { ackIds, seconds }), retry, onError });
 * const sentAt = Date.now();
 * const { messages } = await client.pull(topic, sub);
 * for (const delivery of messages) keeper.track(delivery.ackId, delivery.leaseSeconds, sentAt); // … keeper.release(delivery.ackId)
 */
export class LeaseKeeper {
  private readonly leases = new Map<string, Lease>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private extending = false;
  private failures = 0;
  private stopped = false;
  private readonly now: () => number;

  public constructor(private readonly settings: LeaseKeeperSettings) {
    this.now = settings.now ?? Date.now;
  }

  /**
   * Starts keeping a lease of `leaseSeconds` that began no earlier than
   * `leasedAt`: the moment the pull that leased it was sent, since the server
   * may have leased it any time between then and its answer.
   */
  public track(ackId: string, leaseSeconds: number, leasedAt = this.now()): void {
    if (this.stopped) return;
    const lengthMs = leaseSeconds * 1000;
    this.leases.set(ackId, { endsAt: leasedAt + lengthMs, lengthMs });
    this.schedule();
  }

  /** Stops keeping a lease (its message was acked or nacked). */
  public release(ackId: string): void {
    this.leases.delete(ackId);
    if (this.leases.size === 0) this.cancel();
  }

  public stop(): void {
    this.stopped = true;
    this.leases.clear();
    this.cancel();
  }

  private static dueAt(lease: Lease): number {
    return lease.endsAt - lease.lengthMs * MARGIN;
  }

  private schedule(delayMs?: number): void {
    if (this.stopped || this.extending || this.leases.size === 0) return;
    const earliest = Math.min(...[...this.leases.values()].map((lease) => LeaseKeeper.dueAt(lease)));
    const wait = delayMs ?? Math.max(0, earliest - this.now());
    this.cancel();
    this.timer = setTimeout(() => void this.extendDue(), wait);
    // A timer alone never keeps the process alive: the loop's own requests do.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The leases due now or within the next sixth of their length, by length. */
  private dueByLength(): Map<number, string[]> {
    const now = this.now();
    const byLength = new Map<number, string[]>();
    for (const [ackId, lease] of this.leases) {
      if (LeaseKeeper.dueAt(lease) > now + lease.lengthMs / 6) continue;
      byLength.set(lease.lengthMs, [...(byLength.get(lease.lengthMs) ?? []), ackId]);
    }
    return byLength;
  }

  private async extendDue(): Promise<void> {
    this.timer = undefined;
    const due = this.dueByLength();
    if (due.size === 0) return this.schedule();
    this.extending = true;
    let retryInMs: number | undefined;
    try {
      for (const [lengthMs, ackIds] of due) {
        for (let start = 0; start < ackIds.length; start += MAX_ACK_IDS) {
          const chunk = ackIds.slice(start, start + MAX_ACK_IDS);
          const sentAt = this.now();
          const outcome = await this.settings.extend(chunk, lengthMs / 1000);
          this.renew(chunk, outcome, sentAt);
        }
      }
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.report(error);
      retryInMs = this.settings.retry.delayMs(this.failures);
    } finally {
      this.extending = false;
    }
    this.schedule(retryInMs);
  }

  /** The extended leases now end a term after the request went out; the refused ones are lost. */
  private renew(chunk: readonly string[], outcome: AckResult, sentAt: number): void {
    const refused = new Map(outcome.failed.map((failure) => [failure.ackId, failure]));
    const lost: Array<AckResult['failed'][number]> = [];
    for (const ackId of chunk) {
      // A lease released meanwhile (its message acked) is refused as expected: not a loss.
      const lease = this.leases.get(ackId);
      if (lease === undefined) continue;
      const failure = refused.get(ackId);
      if (failure === undefined) {
        this.leases.set(ackId, { endsAt: sentAt + lease.lengthMs, lengthMs: lease.lengthMs });
      } else {
        this.leases.delete(ackId);
        lost.push(failure);
      }
    }
    if (lost.length > 0) this.report(new LeaseLostError('extend', lost));
  }

  private report(error: unknown): void {
    try {
      this.settings.onError(error);
    } catch {
      // an onError that throws must not stop the keeper
    }
  }
}
