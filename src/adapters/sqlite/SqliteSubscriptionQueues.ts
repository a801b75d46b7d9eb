import { randomInt } from 'node:crypto';
import { AckFailure, ResponseLimits } from '../../domain/constants.js';
import { storedMessageBytes } from '../../domain/messageSize.js';
import { ResponseBudget } from '../../domain/ResponseBudget.js';
import { retryDelayMs } from '../../domain/retry.js';
import type { AckOutcome, Delivery, Message, Subscription, SubscriptionStats } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { ReceiveOptions, SubscriptionQueues } from '../../ports/SubscriptionQueues.js';
import type { Telemetry } from '../../ports/Telemetry.js';
import { decodeAckId, encodeAckId } from './AckIds.js';
import { DeliveryState } from './DeliveryState.js';
import type { WriteContext } from './GroupCommitWriter.js';
import type { LongPollWaiters } from './LongPollWaiters.js';
import type { QueueRows } from './QueueRows.js';
import { toMessage, type LogRow } from './rows.js';
import type { SqliteStore } from './SqliteStore.js';
import { requireSubscriptionRow, SUBSCRIPTION_ROW_SELECT, type SubscriptionRow } from './subscriptionRows.js';

interface DeliveryRow {
  seq: number;
  state: number;
  due_at: number;
  attempts: number;
  token: number;
  order_key: string | null;
}

type LeaseCheck = { ok: true; row: DeliveryRow; seq: number } | { ok: false; code: (typeof AckFailure)[keyof typeof AckFailure] };

const LOG_SELECT = `SELECT l.*, t.name AS topic FROM log l JOIN topics t ON t.id = l.topic_id WHERE l.seq = ?`;

/**
 * Work queues in SQLite. Every state change runs as a group-committed write job,
 * so competing consumers are serialized: a message is leased to one at a time.
 * Due times are indexed; nothing keeps a timer per message.
 */
export class SqliteSubscriptionQueues implements SubscriptionQueues {
  public constructor(
    private readonly store: SqliteStore,
    private readonly rows: QueueRows,
    private readonly waiters: LongPollWaiters,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry,
    /** Bytes of messages one pull takes at most (ResponseBudget). */
    private readonly responseBytes: number = ResponseLimits.bytes.default,
  ) {}

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
    return this.settle(subscription, ackIds, (sub, seq, row, now) => this.rows.remove(sub.id, seq, row.order_key, now));
  }

  public nack(subscription: Subscription, ackIds: readonly string[], delayMs: number | undefined, reason: string | undefined): Promise<AckOutcome> {
    return this.settle(subscription, ackIds, (sub, seq, row, now, context) => {
      this.fail(sub, seq, row, now, delayMs, reason ?? null, context);
      return true;
    });
  }

  public extend(subscription: Subscription, ackIds: readonly string[], seconds: number): Promise<AckOutcome> {
    return this.settle(subscription, ackIds, (sub, seq, _row, now) => {
      this.store.statement('UPDATE deliveries SET due_at = ? WHERE sub_id = ? AND seq = ?').run(now + seconds * 1000, sub.id, seq);
      return false;
    });
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
          `SELECT (SELECT COUNT(*) FROM deliveries WHERE sub_id = @sub AND state = ${DeliveryState.Ready} AND due_at <= @now) AS backlog,
                  (SELECT COUNT(*) FROM deliveries WHERE sub_id = @sub AND state = ${DeliveryState.Leased}) AS in_flight,
                  (SELECT COUNT(*) FROM deliveries WHERE sub_id = @sub AND state = ${DeliveryState.Ready} AND due_at > @now)
                    + (SELECT COUNT(*) FROM deliveries WHERE sub_id = @sub AND state = ${DeliveryState.Blocked}) AS delayed,
                  (SELECT COUNT(*) FROM deliveries WHERE sub_id = @sub AND state = ${DeliveryState.Dead}) AS dead,
                  (SELECT seq FROM deliveries WHERE sub_id = @sub AND state <> ${DeliveryState.Dead} ORDER BY seq LIMIT 1) AS oldest_seq`,
        )
        .get({ sub: sub.id, now }) as { backlog: number; in_flight: number; delayed: number; dead: number; oldest_seq: number | null };
      const oldest =
        row.oldest_seq === null
          ? undefined
          : (this.store.statement('SELECT published_at FROM log WHERE seq = ?').get(row.oldest_seq) as { published_at: number } | undefined);
      return {
        backlog: row.backlog,
        inFlight: row.in_flight,
        delayed: row.delayed,
        deadLetters: row.dead,
        oldestUnackedAgeSeconds: oldest === undefined ? 0 : Math.max(0, now - oldest.published_at) / 1000,
      };
    });
  }

  /** One job for every subscription: each probe is an index seek, so idle subscriptions cost little. */
  public expireLeases(now: number): Promise<number> {
    return this.store.writer.submit((context) => {
      const subs = this.store.statement(SUBSCRIPTION_ROW_SELECT).all() as SubscriptionRow[];
      return subs.reduce((expired, sub) => expired + this.expire(sub, now, context), 0);
    });
  }

  public async nextLeaseExpiryAt(): Promise<number | null> {
    return this.store.read(() => {
      const row = this.store
        .statement(`SELECT MIN((SELECT MIN(due_at) FROM deliveries d WHERE d.sub_id = s.id AND d.state = ${DeliveryState.Leased})) AS due FROM subscriptions s`)
        .get() as { due: number | null };
      return row.due;
    });
  }

  /**
   * Leases up to `max` ready messages, oldest due first, as many as the byte
   * budget holds; expired leases of this subscription are settled first. A
   * message that does not fit is left ready, its attempts untouched.
   */
  private lease(sub: SubscriptionRow, max: number, context: WriteContext): Delivery[] {
    const now = this.clock.now();
    this.expire(sub, now, context);
    const candidates = this.store
      .statement(
        `SELECT seq, attempts, order_key FROM deliveries WHERE sub_id = ? AND state = ${DeliveryState.Ready} AND due_at <= ? ORDER BY due_at, seq LIMIT ?`,
      )
      .all(sub.id, now, max) as Array<{ seq: number; attempts: number; order_key: string | null }>;
    const take = this.store.statement(`UPDATE deliveries SET state = ${DeliveryState.Leased}, due_at = ?, attempts = ?, token = ? WHERE sub_id = ? AND seq = ?`);
    const readLog = this.store.statement(LOG_SELECT);
    const leaseEnd = now + sub.ack_deadline_seconds * 1000;
    const budget = new ResponseBudget(this.responseBytes);
    const leased: Delivery[] = [];
    // One log row at a time: the candidates are small index rows, the messages may be large.
    for (const [index, { seq, attempts, order_key: key }] of candidates.entries()) {
      const log = readLog.get(seq) as LogRow | undefined;
      if (log === undefined) {
        this.rows.remove(sub.id, seq, key, now); // trimmed by retention meanwhile
        continue;
      }
      const message = toMessage(log);
      if (!budget.admit(storedMessageBytes(message, log.body))) {
        // Waiting pulls were handed these messages by count; the ones this pull could not hold go to the next.
        this.waiters.handOver(sub.id, context, candidates.length - index);
        break;
      }
      const token = randomInt(1, 2 ** 31);
      take.run(leaseEnd, attempts + 1, token, sub.id, seq);
      leased.push({ ...message, ackId: encodeAckId({ subId: sub.id, seq, token }), deliveryAttempt: attempts + 1, leaseSeconds: sub.ack_deadline_seconds });
    }
    return leased;
  }

  /** Settles every lease of `sub` that ended at or before `now` as a failed delivery. */
  private expire(sub: SubscriptionRow, now: number, context: WriteContext): number {
    const expired = this.store
      .statement(`SELECT seq, state, due_at, attempts, token, order_key FROM deliveries WHERE sub_id = ? AND state = ${DeliveryState.Leased} AND due_at <= ?`)
      .all(sub.id, now) as DeliveryRow[];
    // An expiry has no reason of its own: lastError keeps the last nack reason.
    for (const row of expired) this.fail(sub, row.seq, row, row.due_at, undefined, null, context);
    if (expired.length > 0) this.waiters.handOver(sub.id, context, expired.length);
    return expired.length;
  }

  /** A delivery failed (nack or expiry): retry after the backoff, or dead-letter after maxDeliveries. */
  private fail(sub: SubscriptionRow, seq: number, row: DeliveryRow, at: number, delayMs: number | undefined, reason: string | null, context: WriteContext): void {
    if (row.attempts >= sub.max_deliveries) {
      this.store
        .statement(`UPDATE deliveries SET state = ${DeliveryState.Dead}, due_at = ?, dead_at = ?, last_error = COALESCE(?, last_error) WHERE sub_id = ? AND seq = ?`)
        .run(at, at, reason, sub.id, seq);
      context.afterCommit(() => this.telemetry.deadLettered(sub.topic, sub.name, 1));
      if (row.order_key !== null) this.rows.promoteHead(sub.id, row.order_key, at);
      return;
    }
    const delay = delayMs ?? retryDelayMs({ minSeconds: sub.backoff_min_seconds, maxSeconds: sub.backoff_max_seconds }, row.attempts);
    this.store
      .statement(`UPDATE deliveries SET state = ${DeliveryState.Ready}, due_at = ?, last_error = COALESCE(?, last_error) WHERE sub_id = ? AND seq = ?`)
      .run(at + delay, reason, sub.id, seq);
  }

  /**
   * Applies `action` to every ack id whose lease is still held; reports the others.
   * `action` says whether it may have made a message ready (or due at another time),
   * so that waiting pulls get a look.
   */
  private settle(
    subscription: Subscription,
    ackIds: readonly string[],
    action: (sub: SubscriptionRow, seq: number, row: DeliveryRow, now: number, context: WriteContext) => boolean,
  ): Promise<AckOutcome> {
    return this.store.writer.submit((context) => {
      const sub = requireSubscriptionRow(this.store, subscription);
      const now = this.clock.now();
      let acked = 0;
      let wake = false;
      const failed: Array<{ ackId: string; code: (typeof AckFailure)[keyof typeof AckFailure] }> = [];
      for (const ackId of ackIds) {
        const check = this.checkLease(sub, ackId, now);
        if (!check.ok) failed.push({ ackId, code: check.code });
        else {
          wake = action(sub, check.seq, check.row, now, context) || wake;
          acked += 1;
        }
      }
      if (wake) this.waiters.handOver(sub.id, context);
      return { acked, failed };
    });
  }

  private checkLease(sub: SubscriptionRow, ackId: string, now: number): LeaseCheck {
    const parts = decodeAckId(ackId);
    if (parts === null || parts.subId !== sub.id) return { ok: false, code: AckFailure.InvalidAckId };
    const row = this.store
      .statement('SELECT seq, state, due_at, attempts, token, order_key FROM deliveries WHERE sub_id = ? AND seq = ?')
      .get(sub.id, parts.seq) as DeliveryRow | undefined;
    // Gone (acked, or its dead letter deleted) reads as unknown; still there but no longer ours is an ended lease.
    if (row === undefined) return { ok: false, code: AckFailure.InvalidAckId };
    if (row.state !== DeliveryState.Leased || row.token !== parts.token || row.due_at <= now) return { ok: false, code: AckFailure.LeaseExpired };
    return { ok: true, row, seq: parts.seq };
  }

  private nextReadyAt(subId: number): number | null {
    const row = this.store
      .statement(`SELECT MIN(due_at) AS due FROM deliveries WHERE sub_id = ? AND state IN (${DeliveryState.Ready}, ${DeliveryState.Leased})`)
      .get(subId) as { due: number | null };
    return row.due;
  }


}
