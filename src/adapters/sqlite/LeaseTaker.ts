import { randomInt } from 'node:crypto';
import { ResponseLimits } from '../../domain/constants.js';
import { storedMessageBytes } from '../../domain/messageSize.js';
import { ResponseBudget } from '../../domain/ResponseBudget.js';
import type { Delivery } from '../../domain/types.js';
import { encodeAckId } from './AckIds.js';
import { DeliveryState } from './DeliveryState.js';
import type { WriteContext } from './GroupCommitWriter.js';
import type { Lease, SubscriptionLeases } from './LeaseTable.js';
import type { LongPollWaiters } from './LongPollWaiters.js';
import type { QueueRows } from './QueueRows.js';
import type { RecentMessage, RecentMessages } from './RecentMessages.js';
import { toContent, type LogRow } from './rows.js';
import type { SqliteStore } from './SqliteStore.js';
import type { SubscriptionRow } from './subscriptionRows.js';

interface ReadyRow {
  seq: number;
  due_at: number;
  attempts: number;
  order_key: string | null;
}

const LOG_SELECT = `SELECT * FROM log WHERE seq = ?`;

/**
 * Takes a subscription's ready messages as leases, inside a write job: oldest
 * due first, from the subscription's cursor on, as many as `max` and the byte
 * budget allow. It writes nothing: each lease goes into the LeaseTable, and a
 * message that does not fit is left ready, its attempts untouched. A message
 * published moments ago comes from RecentMessages, any other from its log row.
 */
export class LeaseTaker {
  public constructor(
    private readonly store: SqliteStore,
    private readonly rows: QueueRows,
    private readonly waiters: LongPollWaiters,
    private readonly recent: RecentMessages,
    /** Bytes of messages one pull takes at most (ResponseBudget). */
    private readonly responseBytes: number = ResponseLimits.bytes.default,
  ) {}

  public take(sub: SubscriptionRow, leases: SubscriptionLeases, max: number, now: number, context: WriteContext): Delivery[] {
    const leaseEnd = now + sub.ack_deadline_seconds * 1000;
    const budget = new ResponseBudget(this.responseBytes);
    const leased: Delivery[] = [];
    const taken: number[] = [];
    context.onRollback(() => this.giveBack(leases, taken));
    // Rows at or before the cursor were all leased when a pull passed them; some may be again after a rewind, and are skipped.
    for (let more = true; more && leased.length < max; ) {
      const from = leases.scanFrom;
      const wanted = max - leased.length;
      const rows = this.store
        .statement(
          `SELECT seq, due_at, attempts, order_key FROM deliveries
           WHERE sub_id = ? AND state = ${DeliveryState.Ready} AND (due_at, seq) > (?, ?) AND due_at <= ? ORDER BY due_at, seq LIMIT ?`,
        )
        .all(sub.id, from.dueAt, from.seq, now, wanted) as ReadyRow[];
      more = rows.length === wanted;
      // One message at a time: the candidates are small index rows, the messages may be large.
      for (const [index, row] of rows.entries()) {
        if (leases.leases.has(row.seq)) {
          leases.cursor = { dueAt: row.due_at, seq: row.seq };
          continue;
        }
        const message = this.recent.get(row.seq) ?? this.readLogged(row.seq);
        if (message === undefined) {
          this.rows.remove(sub.id, row.seq, row.order_key, now); // trimmed by retention meanwhile
          continue;
        }
        if (!budget.admit(message.bytes)) {
          // Waiting pulls were handed these messages by count; the ones this pull could not hold go to the next.
          this.waiters.handOver(sub.id, context, rows.length - index);
          more = false;
          break;
        }
        const lease: Lease = { token: randomInt(1, 2 ** 31), until: leaseEnd, attempts: row.attempts + 1, orderKey: row.order_key, dueAt: row.due_at };
        leases.add(row.seq, lease);
        leases.cursor = { dueAt: row.due_at, seq: row.seq };
        taken.push(row.seq);
        leased.push({
          id: message.id,
          topic: sub.topic,
          partition: message.partition,
          offset: message.offset,
          key: message.key,
          body: message.body,
          attributes: message.attributes,
          publishedAt: message.publishedAt,
          ackId: encodeAckId({ subId: sub.id, seq: row.seq, token: lease.token }),
          deliveryAttempt: lease.attempts,
          leaseSeconds: sub.ack_deadline_seconds,
        });
      }
    }
    return leased;
  }

  /** A lease job rolled back: the messages it took were never handed out. */
  private giveBack(leases: SubscriptionLeases, taken: readonly number[]): void {
    for (const seq of taken) leases.leases.delete(seq);
    leases.cursor = null;
  }

  /** A message the recent ones no longer hold, from its log row. */
  private readLogged(seq: number): RecentMessage | undefined {
    const row = this.store.statement(LOG_SELECT).get(seq) as Omit<LogRow, 'topic'> | undefined;
    if (row === undefined) return undefined;
    const content = toContent(row);
    return {
      id: row.id,
      partition: row.partition,
      offset: row.offset,
      ...content,
      publishedAt: new Date(row.published_at).toISOString(),
      bytes: storedMessageBytes({ ...content, id: row.id }, row.body),
    };
  }
}
