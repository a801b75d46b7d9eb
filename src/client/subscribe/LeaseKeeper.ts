import { LeaseLostError } from '../errors.js';
import type { RetryPolicy } from '../RetryPolicy.js';
import type { AckResult } from '../types.js';

/** Most ack ids one extend request takes (AckIds, maxItems). */
const MAX_ACK_IDS = 1000;
/** Share of a lease left when it is extended: a third, so an extension has that long to arrive. */
const MARGIN = 1 / 3;

export interface LeaseKeeperSettings {
  /** The subscription's ackDeadlineSeconds: each lease lasts that long, and each extension renews it by as much. */
  readonly deadlineSeconds: number;
  readonly extend: (ackIds: string[], seconds: number) => Promise<AckResult>;
  readonly retry: RetryPolicy;
  readonly onError: (error: unknown) => void;
  readonly now?: () => number;
}

/**
 * Keeps the leases of the messages in hand: once two thirds of a lease have
 * passed, it extends it (with every other lease that is due within the next
 * sixth, in one request) by the subscription's ack deadline, for as long as
 * the message is tracked. A lease the server refuses to extend is lost: it
 * is dropped and reported, and the message will be delivered again. A
 * failed request is retried with the client's backoff.
 *
 * @example
 * const keeper = new LeaseKeeper({ deadlineSeconds: 30, extend: (ackIds, seconds) => client.extend(topic, sub, { ackIds, seconds }), retry, onError });
 * keeper.track(delivery.ackId); // … keeper.release(delivery.ackId)
 */
export class LeaseKeeper {
  /** Ack id → when the lease ends (ms). */
  private readonly leases = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private extending = false;
  private failures = 0;
  private stopped = false;
  private readonly now: () => number;
  private readonly deadlineMs: number;

  public constructor(private readonly settings: LeaseKeeperSettings) {
    this.now = settings.now ?? Date.now;
    this.deadlineMs = settings.deadlineSeconds * 1000;
  }

  /** Starts keeping a lease that began at `leasedAt`. */
  public track(ackId: string, leasedAt = this.now()): void {
    if (this.stopped) return;
    this.leases.set(ackId, leasedAt + this.deadlineMs);
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

  private dueAt(endsAt: number): number {
    return endsAt - this.deadlineMs * MARGIN;
  }

  private schedule(delayMs?: number): void {
    if (this.stopped || this.extending || this.leases.size === 0) return;
    const earliest = Math.min(...[...this.leases.values()].map((endsAt) => this.dueAt(endsAt)));
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

  private async extendDue(): Promise<void> {
    this.timer = undefined;
    const horizon = this.now() + this.deadlineMs / 6;
    const due = [...this.leases].filter(([, endsAt]) => this.dueAt(endsAt) <= horizon).map(([ackId]) => ackId);
    if (due.length === 0) return this.schedule();
    this.extending = true;
    let retryInMs: number | undefined;
    try {
      const sentAt = this.now();
      for (let start = 0; start < due.length; start += MAX_ACK_IDS) {
        const chunk = due.slice(start, start + MAX_ACK_IDS);
        const outcome = await this.settings.extend(chunk, this.settings.deadlineSeconds);
        this.renew(chunk, outcome, sentAt);
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

  /** The extended leases now end a deadline after the request went out; the refused ones are lost. */
  private renew(chunk: readonly string[], outcome: AckResult, sentAt: number): void {
    const refused = new Map(outcome.failed.map((failure) => [failure.ackId, failure]));
    const lost: Array<AckResult['failed'][number]> = [];
    for (const ackId of chunk) {
      // A lease released meanwhile (its message acked) is refused as expected: not a loss.
      if (!this.leases.has(ackId)) continue;
      const failure = refused.get(ackId);
      if (failure === undefined) {
        this.leases.set(ackId, sentAt + this.deadlineMs);
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
