import { DeliveryState } from './DeliveryState.js';
import type { SqliteStore } from './SqliteStore.js';

export interface QueuedRef {
  readonly seq: number;
  readonly key: string | null;
}

/**
 * Writes to subscriptions' queues that fan-out, seek and the work-queue
 * operations share. Ordered subscriptions keep, per key, at most one message
 * ready or leased: the oldest one not yet acked or dead-lettered. The others
 * wait as Blocked and are promoted one at a time.
 */
export class QueueRows {
  public constructor(private readonly store: SqliteStore) {}

  /** Queues references to log rows; rows already in the queue are left as they are. Returns how many were added. */
  public enqueue(subId: number, ordered: boolean, refs: readonly QueuedRef[], now: number): number {
    const insert = this.store.statement('INSERT OR IGNORE INTO deliveries (sub_id, seq, state, due_at, order_key) VALUES (?, ?, ?, ?, ?)');
    let added = 0;
    const keys = new Set<string>();
    for (const { seq, key } of refs) {
      const chained = ordered && key !== null;
      added += insert.run(subId, seq, chained ? DeliveryState.Blocked : DeliveryState.Ready, now, chained ? key : null).changes;
      if (chained) keys.add(key);
    }
    for (const key of keys) this.promoteHead(subId, key, now);
    return added;
  }

  /**
   * Makes the oldest blocked message of `key` ready, unless a message of that key
   * is still ready or leased. Returns whether one was promoted.
   */
  public promoteHead(subId: number, key: string, now: number): boolean {
    const busy = this.store
      .statement('SELECT 1 FROM deliveries WHERE sub_id = ? AND order_key = ? AND state IN (0, 1) LIMIT 1')
      .get(subId, key);
    if (busy !== undefined) return false;
    return (
      this.store
        .statement(
          `UPDATE deliveries SET state = ${DeliveryState.Ready}, due_at = ?
           WHERE sub_id = ? AND seq = (SELECT MIN(seq) FROM deliveries WHERE sub_id = ? AND order_key = ? AND state = ${DeliveryState.Blocked})`,
        )
        .run(now, subId, subId, key).changes > 0
    );
  }
}
