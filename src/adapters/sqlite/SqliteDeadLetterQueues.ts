import { ResponseLimits } from '../../domain/constants.js';
import { deadLetterBytes, ResponseBudget } from '../../domain/ResponseBudget.js';
import type { DeadLetter, Subscription } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { DeadLetterQueues } from '../../ports/DeadLetterQueues.js';
import { DeliveryState } from './DeliveryState.js';
import type { LongPollWaiters } from './LongPollWaiters.js';
import type { QueueRows } from './QueueRows.js';
import { toMessage, type LogRow } from './rows.js';
import type { SqliteStore } from './SqliteStore.js';
import { requireSubscriptionRow } from './subscriptionRows.js';

interface DeadRef {
  seq: number;
  order_key: string | null;
}

/** Dead letters are `deliveries` rows in state Dead; redrive puts them back in the queue. */
export class SqliteDeadLetterQueues implements DeadLetterQueues {
  public constructor(
    private readonly store: SqliteStore,
    private readonly rows: QueueRows,
    private readonly waiters: LongPollWaiters,
    private readonly clock: Clock,
    /** Bytes of messages one listing returns at most (ResponseBudget). */
    private readonly responseBytes: number = ResponseLimits.bytes.default,
  ) {}

  public async list(subscription: Subscription, limit: number): Promise<DeadLetter[]> {
    return this.store.read(() => {
      const sub = requireSubscriptionRow(this.store, subscription);
      const rows = this.store
        .statement(
          `SELECT l.*, t.name AS topic, d.attempts, d.dead_at, d.last_error FROM deliveries d
           JOIN log l ON l.seq = d.seq JOIN topics t ON t.id = l.topic_id
           WHERE d.sub_id = ? AND d.state = ${DeliveryState.Dead} ORDER BY d.due_at, d.seq LIMIT ?`,
        )
        .iterate(sub.id, limit) as IterableIterator<LogRow & { attempts: number; dead_at: number; last_error: string | null }>;
      // Row by row, stopping at the budget: dead letters are often the largest messages.
      const budget = new ResponseBudget(this.responseBytes);
      const letters: DeadLetter[] = [];
      for (const row of rows) {
        const letter = { ...toMessage(row), deliveryAttempt: row.attempts, deadLetteredAt: new Date(row.dead_at).toISOString(), lastError: row.last_error };
        if (!budget.admit(deadLetterBytes(letter, row.body))) break;
        letters.push(letter);
      }
      return letters;
    });
  }

  public redrive(subscription: Subscription, ids: readonly string[] | undefined): Promise<number> {
    return this.store.writer.submit((context) => {
      const sub = requireSubscriptionRow(this.store, subscription);
      const now = this.clock.now();
      const dead = this.deadRefs(sub.id, ids);
      const update = this.store.statement(
        'UPDATE deliveries SET state = ?, due_at = ?, attempts = 0, dead_at = NULL, last_error = NULL WHERE sub_id = ? AND seq = ?',
      );
      const keys = new Set<string>();
      for (const row of dead) {
        update.run(row.order_key === null ? DeliveryState.Ready : DeliveryState.Blocked, now, sub.id, row.seq);
        if (row.order_key === null) this.rows.leases.rewind(sub.id, { dueAt: now, seq: row.seq });
        else keys.add(row.order_key);
      }
      for (const key of keys) this.rows.promoteHead(sub.id, key, now);
      if (dead.length > 0) this.waiters.handOver(sub.id, context, dead.length);
      return dead.length;
    });
  }

  public delete(subscription: Subscription, ids: readonly string[] | undefined): Promise<number> {
    return this.store.writer.submit(() => {
      const sub = requireSubscriptionRow(this.store, subscription);
      const remove = this.store.statement('DELETE FROM deliveries WHERE sub_id = ? AND seq = ?');
      const dead = this.deadRefs(sub.id, ids);
      for (const row of dead) remove.run(sub.id, row.seq);
      return dead.length;
    });
  }

  /** Dead letters of the subscription: all of them, or those whose message id is listed. */
  private deadRefs(subId: number, ids: readonly string[] | undefined): DeadRef[] {
    // Walk the (few) dead rows by index and look their ids up in the log by seq: the log has no index on id.
    const dead = `FROM deliveries d INDEXED BY deliveries_due WHERE d.sub_id = ? AND d.state = ${DeliveryState.Dead}`;
    if (ids === undefined) return this.store.statement(`SELECT d.seq, d.order_key ${dead}`).all(subId) as DeadRef[];
    return this.store
      .statement(
        `SELECT d.seq, d.order_key FROM deliveries d INDEXED BY deliveries_due CROSS JOIN log l ON l.seq = d.seq
         WHERE d.sub_id = ? AND d.state = ${DeliveryState.Dead} AND l.id IN (SELECT value FROM json_each(?))`,
      )
      .all(subId, JSON.stringify(ids)) as DeadRef[];
  }
}
