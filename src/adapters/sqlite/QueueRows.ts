import { DeliveryState } from './DeliveryState.js';
import type { WriteContext } from './GroupCommitWriter.js';
import type { LeaseTable } from './LeaseTable.js';
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
  public constructor(
    private readonly store: SqliteStore,
    /** Told whenever a row becomes ready, so that pulls look at it (LeaseTable's cursor). */
    public readonly leases: LeaseTable,
  ) {}

  /** Queues references to log rows; rows already in the queue are left as they are. Returns how many were added. */
  public enqueue(subId: number, ordered: boolean, refs: readonly QueuedRef[], now: number): number {
    const insert = this.store.statement('INSERT OR IGNORE INTO deliveries (sub_id, seq, state, due_at, order_key) VALUES (?, ?, ?, ?, ?)');
    let added = 0;
    let firstReady = Number.POSITIVE_INFINITY;
    const keys = new Set<string>();
    for (const { seq, key } of refs) {
      const chained = ordered && key !== null;
      const changes = insert.run(subId, seq, chained ? DeliveryState.Blocked : DeliveryState.Ready, now, chained ? key : null).changes;
      added += changes;
      if (chained) keys.add(key);
      else if (changes > 0 && seq < firstReady) firstReady = seq;
    }
    if (firstReady !== Number.POSITIVE_INFINITY) this.leases.rewind(subId, { dueAt: now, seq: firstReady });
    for (const key of keys) this.promoteHead(subId, key, now);
    return added;
  }

  /**
   * Makes the oldest blocked message of `key` ready, unless a message of that key
   * is still ready or leased. Returns whether one was promoted.
   */
  public promoteHead(subId: number, key: string, now: number): boolean {
    const busy = this.store
      .statement(
        `SELECT 1 FROM deliveries WHERE sub_id = ? AND order_key = ? AND order_key IS NOT NULL AND state = ${DeliveryState.Ready} LIMIT 1`,
      )
      .get(subId, key);
    if (busy !== undefined) return false;
    const next = this.store
      .statement(`SELECT MIN(seq) AS seq FROM deliveries WHERE sub_id = ? AND order_key = ? AND order_key IS NOT NULL AND state = ${DeliveryState.Blocked}`)
      .get(subId, key) as { seq: number | null };
    if (next.seq === null) return false;
    this.store.statement(`UPDATE deliveries SET state = ${DeliveryState.Ready}, due_at = ? WHERE sub_id = ? AND seq = ?`).run(now, subId, next.seq);
    this.leases.rewind(subId, { dueAt: now, seq: next.seq });
    return true;
  }

  /**
   * Drops every queue entry of `subId` that points at log rows up to `seq` (retention
   * trimmed them), then lets each affected key's next message move up. Returns
   * how many moved up (became ready).
   */
  public dropUpTo(subId: number, seq: number, now: number, context: WriteContext): number {
    const keys = this.store
      .statement(
        `SELECT DISTINCT order_key FROM deliveries WHERE sub_id = ? AND seq <= ? AND order_key IS NOT NULL AND state = ${DeliveryState.Ready}`,
      )
      .all(subId, seq) as Array<{ order_key: string }>;
    this.store.statement('DELETE FROM deliveries WHERE sub_id = ? AND seq <= ?').run(subId, seq);
    const dropped = this.leases.dropUpTo(subId, seq);
    // Rolled back, the rows are back and held as before.
    if (dropped.length > 0) context.onRollback(() => dropped.forEach(([leased, lease]) => this.leases.of(subId).add(leased, lease)));
    return keys.filter(({ order_key: key }) => this.promoteHead(subId, key, now)).length;
  }

  /** Removes one entry (acked, or its message is gone), letting its key's next message move up. Returns whether one did. */
  public remove(subId: number, seq: number, key: string | null, now: number): boolean {
    this.store.statement('DELETE FROM deliveries WHERE sub_id = ? AND seq = ?').run(subId, seq);
    return key !== null && this.promoteHead(subId, key, now);
  }
}
