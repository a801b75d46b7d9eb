import { AckFailure } from '../../domain/constants.js';
import { retryDelayMs } from '../../domain/retry.js';
import type { AckOutcome, Delivery, Message, Subscription, SubscriptionStats } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { ReceiveOptions, SubscriptionQueues } from '../../ports/SubscriptionQueues.js';
import type { Telemetry } from '../../ports/Telemetry.js';
import { decodeAckId } from './AckIds.js';
import { DeliveryState } from './DeliveryState.js';
import type { Lease, LeaseTable, SubscriptionLeases } from './LeaseTable.js';
import type { LeaseTaker } from './LeaseTaker.js';
import type { WriteContext } from './GroupCommitWriter.js';
import type { LongPollWaiters } from './LongPollWaiters.js';
import type { QueueRows } from './QueueRows.js';
import type { SqliteStore } from './SqliteStore.js';
import { requireSubscriptionRow, type SubscriptionRow } from './subscriptionRows.js';

type LeaseCheck = { ok: true; seq: number; lease: Lease } | { ok: false; code: (typeof AckFailure)[keyof typeof AckFailure] };

/**
 * Work queues in SQLite. Every state change runs as a group-committed write job,
 * so competing consumers are serialized: a message is leased to one at a time.
 * Due times are indexed; nothing keeps a timer per message. Leases live in
 * memory (LeaseTable): a pull writes nothing, an ack deletes the row, and a
 * failed delivery (nack, expiry) writes its attempts and its next due time.
 */
export class SqliteSubscriptionQueues implements SubscriptionQueues {
  public constructor(
    private readonly store: SqliteStore,
    private readonly rows: QueueRows,
    private readonly waiters: LongPollWaiters,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry,
    private readonly taker: LeaseTaker,
  ) {}

  /** The leases every writer of queue rows tells about ready rows (QueueRows). */
  private get leases(): LeaseTable {
    return this.rows.leases;
  }

  public async receive(subscription: Subscription, options: ReceiveOptions, signal?: AbortSignal): Promise<Delivery[]> {
    const deadline = this.clock.now() + options.waitMs;
    const gone = (): boolean => signal?.aborted === true;
    // A client that went away gets nothing leased: it could never ack it.
    const leaseFor = (sub: SubscriptionRow) => (context: WriteContext) => (gone() ? [] : this.lease(sub, options.max, context));
    let sub = requireSubscriptionRow(this.store, subscription);
    let leased = gone() ? [] : await this.store.writer.submit(leaseFor(sub));
    for (;;) {
      const remaining = deadline - this.clock.now();
      if (leased.length > 0 || remaining <= 0 || gone()) return leased;
      const nextReady = this.nextReadyAt(sub.id);
      const sleep = nextReady === null ? remaining : Math.min(remaining, Math.max(1, nextReady - this.clock.now()));
      const handed = await this.waiters.wait(sub.id, options.max, sleep, leaseFor(sub), signal);
      if (handed !== undefined) leased = handed;
      else if (gone()) return [];
      else {
        // Woken by time, not by a write: something may have come due (a delay, a retry, an expired lease).
        sub = requireSubscriptionRow(this.store, subscription);
        leased = await this.store.writer.submit(leaseFor(sub));
      }
    }
  }

  public ack(subscription: Subscription, ackIds: readonly string[]): Promise<AckOutcome> {
    return this.settle(subscription, ackIds, (sub, seq, lease, now) => this.rows.remove(sub.id, seq, lease.orderKey, now));
  }

  public nack(subscription: Subscription, ackIds: readonly string[], delayMs: number | undefined, reason: string | undefined): Promise<AckOutcome> {
    return this.settle(subscription, ackIds, (sub, seq, lease, now, context) => {
      this.fail(sub, seq, lease, now, delayMs, reason ?? null, context);
      return true;
    });
  }

  public extend(subscription: Subscription, ackIds: readonly string[], seconds: number): Promise<AckOutcome> {
    return this.settle(
      subscription,
      ackIds,
      (sub, _seq, lease, now) => {
        this.leases.of(sub.id).extend(lease, now + seconds * 1000);
        return false;
      },
      { keepsLease: true },
    );
  }

  public requeue(subscription: Subscription, messages: readonly Message[]): Promise<number> {
    return this.store.writer.submit((context) => {
      const sub = requireSubscriptionRow(this.store, subscription);
      const findSeq = this.store.statement(
        'SELECT seq FROM log WHERE topic_id = (SELECT topic_id FROM subscriptions WHERE id = ?) AND partition = ? AND offset = ?',
      );
      const refs = messages.flatMap((message) => {
        const row = findSeq.get(sub.id, message.partition, message.offset) as { seq: number } | undefined;
        return row === undefined ? [] : [{ seq: row.seq, key: message.key }];
      });
      const added = this.rows.enqueue(sub.id, sub.ordered === 1, refs, this.clock.now());
      if (added > 0) this.waiters.handOver(sub.id, context, added);
      return added;
    });
  }

  public async stats(subscription: Subscription): Promise<SubscriptionStats> {
    return this.store.read(() => {
      const sub = requireSubscriptionRow(this.store, subscription);
      const now = this.clock.now();
      // Each count is a range of the (sub_id, state, due_at) index, never a scan of the queue.
      const row = this.store
        .statement(
          `SELECT (SELECT COUNT(*) FROM deliveries WHERE sub_id = @sub AND state = ${DeliveryState.Ready} AND due_at <= @now) AS due,
                  (SELECT COUNT(*) FROM deliveries WHERE sub_id = @sub AND state = ${DeliveryState.Ready} AND due_at > @now)
                    + (SELECT COUNT(*) FROM deliveries WHERE sub_id = @sub AND state = ${DeliveryState.Blocked}) AS delayed,
                  (SELECT COUNT(*) FROM deliveries WHERE sub_id = @sub AND state = ${DeliveryState.Dead}) AS dead,
                  (SELECT seq FROM deliveries WHERE sub_id = @sub AND state <> ${DeliveryState.Dead} ORDER BY seq LIMIT 1) AS oldest_seq`,
        )
        .get({ sub: sub.id, now }) as { due: number; delayed: number; dead: number; oldest_seq: number | null };
      const oldest =
        row.oldest_seq === null
          ? undefined
          : (this.store.statement('SELECT published_at FROM log WHERE seq = ?').get(row.oldest_seq) as { published_at: number } | undefined);
      // A leased row stays ready with the due time it had: the due or the delayed rows count it (delayed if the clock stepped back).
      const leases = [...(this.leases.find(sub.id)?.leases.values() ?? [])];
      const leasedDue = leases.filter((lease) => lease.dueAt <= now).length;
      return {
        backlog: Math.max(0, row.due - leasedDue),
        inFlight: leases.length,
        delayed: Math.max(0, row.delayed - (leases.length - leasedDue)),
        deadLetters: row.dead,
        oldestUnackedAgeSeconds: oldest === undefined ? 0 : Math.max(0, now - oldest.published_at) / 1000,
      };
    });
  }

  /** One job for every subscription holding leases; a lease that has not ended costs a comparison. */
  public expireLeases(now: number): Promise<number> {
    return this.store.writer.submit((context) => {
      let expired = 0;
      for (const [subId, leases] of [...this.leases.entries()]) {
        const sub = this.store.catalog.subscriptionById(subId);
        if (sub === undefined) this.leases.forget(subId);
        else expired += this.expire(sub, leases, now, context);
      }
      return expired;
    });
  }

  public async nextLeaseExpiryAt(): Promise<number | null> {
    let earliest: number | null = null;
    for (const [, leases] of this.leases.entries()) {
      const end = leases.nextEnd();
      if (end !== null && (earliest === null || end < earliest)) earliest = end;
    }
    return earliest;
  }

  /**
   * Settles this subscription's expired leases, then leases up to `max` ready
   * messages (LeaseTaker).
   */
  private lease(sub: SubscriptionRow, max: number, context: WriteContext): Delivery[] {
    const now = this.clock.now();
    const leases = this.leases.of(sub.id);
    this.expire(sub, leases, now, context);
    return this.taker.take(sub, leases, max, now, context);
  }

  /** Settles every lease of `sub` that ended at or before `now` as a failed delivery. */
  private expire(sub: SubscriptionRow, leases: SubscriptionLeases, now: number, context: WriteContext): number {
    const ended = leases.ended(now);
    // An expiry has no reason of its own: lastError keeps the last nack reason.
    for (const [seq, lease] of ended) {
      leases.leases.delete(seq);
      context.onRollback(() => this.restore(leases, seq, lease));
      this.fail(sub, seq, lease, lease.until, undefined, null, context);
    }
    if (ended.length > 0) this.waiters.handOver(sub.id, context, ended.length);
    return ended.length;
  }

  /** A settlement rolled back: the lease is held again, and the row is looked at again in case it is not. */
  private restore(leases: SubscriptionLeases, seq: number, lease: Lease): void {
    leases.add(seq, lease);
    leases.cursor = null;
  }

  /** A delivery failed (nack or expiry; its lease is already released): retry after the backoff, or dead-letter after maxDeliveries. */
  private fail(sub: SubscriptionRow, seq: number, lease: Lease, at: number, delayMs: number | undefined, reason: string | null, context: WriteContext): void {
    if (lease.attempts >= sub.max_deliveries) {
      this.store
        .statement(
          `UPDATE deliveries SET state = ${DeliveryState.Dead}, attempts = ?, due_at = ?, dead_at = ?, last_error = COALESCE(?, last_error) WHERE sub_id = ? AND seq = ?`,
        )
        .run(lease.attempts, at, at, reason, sub.id, seq);
      context.afterCommit(() => this.telemetry.deadLettered(sub.topic, sub.name, 1));
      if (lease.orderKey !== null) this.rows.promoteHead(sub.id, lease.orderKey, at);
      return;
    }
    const delay = delayMs ?? retryDelayMs({ minSeconds: sub.backoff_min_seconds, maxSeconds: sub.backoff_max_seconds }, lease.attempts);
    this.store
      .statement(`UPDATE deliveries SET attempts = ?, due_at = ?, last_error = COALESCE(?, last_error) WHERE sub_id = ? AND seq = ?`)
      .run(lease.attempts, at + delay, reason, sub.id, seq);
    this.leases.rewind(sub.id, { dueAt: at + delay, seq });
  }

  /**
   * Applies `action` to every ack id whose lease is still held, and releases the
   * lease unless `keepsLease`; reports the others. `action` says whether it may
   * have made a message ready (or due at another time), so that waiting pulls get a look.
   */
  private settle(
    subscription: Subscription,
    ackIds: readonly string[],
    action: (sub: SubscriptionRow, seq: number, lease: Lease, now: number, context: WriteContext) => boolean,
    { keepsLease = false } = {},
  ): Promise<AckOutcome> {
    return this.store.writer.submit((context) => {
      const sub = requireSubscriptionRow(this.store, subscription);
      const leases = this.leases.of(sub.id);
      const now = this.clock.now();
      let acked = 0;
      let wake = false;
      const failed: Array<{ ackId: string; code: (typeof AckFailure)[keyof typeof AckFailure] }> = [];
      for (const ackId of ackIds) {
        const check = this.checkLease(sub, leases, ackId, now);
        if (!check.ok) failed.push({ ackId, code: check.code });
        else {
          if (!keepsLease) {
            leases.leases.delete(check.seq);
            context.onRollback(() => this.restore(leases, check.seq, check.lease));
          }
          wake = action(sub, check.seq, check.lease, now, context) || wake;
          acked += 1;
        }
      }
      if (wake) this.waiters.handOver(sub.id, context);
      return { acked, failed };
    });
  }

  private checkLease(sub: SubscriptionRow, leases: SubscriptionLeases, ackId: string, now: number): LeaseCheck {
    const parts = decodeAckId(ackId);
    if (parts === null || parts.subId !== sub.id) return { ok: false, code: AckFailure.InvalidAckId };
    const lease = leases.leases.get(parts.seq);
    if (lease !== undefined && lease.token === parts.token && lease.until > now) return { ok: true, seq: parts.seq, lease };
    // Gone (acked, or its dead letter deleted) reads as unknown; still there but no longer ours is an ended lease.
    const row = this.store.statement('SELECT 1 FROM deliveries WHERE sub_id = ? AND seq = ?').get(sub.id, parts.seq);
    return { ok: false, code: row === undefined ? AckFailure.InvalidAckId : AckFailure.LeaseExpired };
  }

  /** When something of the subscription may next become deliverable: a ready row not yet handed out, or a lease ending. */
  private nextReadyAt(subId: number): number | null {
    const leases = this.leases.of(subId);
    const from = leases.scanFrom;
    const row = this.store
      .statement(`SELECT MIN(due_at) AS due FROM deliveries WHERE sub_id = ? AND state = ${DeliveryState.Ready} AND (due_at, seq) > (?, ?)`)
      .get(subId, from.dueAt, from.seq) as { due: number | null };
    const leaseEnd = leases.nextEnd();
    if (row.due === null) return leaseEnd;
    return leaseEnd === null ? row.due : Math.min(row.due, leaseEnd);
  }
}
