import type { Clock } from '../../ports/Clock.js';
import type { Json } from '../../domain/types.js';
import { SubscriptionMatcher } from '../../routing/SubscriptionMatcher.js';
import type { SubscriptionRoute } from './Catalog.js';
import type { WriteContext } from './GroupCommitWriter.js';
import type { LongPollWaiters } from './LongPollWaiters.js';
import type { QueueRows } from './QueueRows.js';
import type { AppendedRow } from './SqliteMessageLog.js';
import type { SqliteStore } from './SqliteStore.js';

/**
 * A subscription whose pulls have passed a row this close to the new ones (in log
 * seqs) keeps up with its publishers: it will pull them in moments.
 */
export const KEEPING_UP_ROWS = 20_000;

/**
 * Embedded fan-out: in the same transaction as the append, every subscription of
 * the topic whose filter matches gets a reference queued. So a 200 on publish
 * means every subscriber's copy is durable too. Filters are compiled once per
 * subscription; subscriptions never change their filter.
 */
export class SqliteFanOut {
  private readonly matchers = new Map<number, SubscriptionMatcher>();

  public constructor(
    private readonly store: SqliteStore,
    private readonly rows: QueueRows,
    private readonly waiters: LongPollWaiters,
    private readonly clock: Clock,
  ) {}

  /** Queues the rows for every matching subscription; says whether one of them keeps up (KEEPING_UP_ROWS). */
  public route(topicId: number, appended: readonly AppendedRow[], context: WriteContext): { pulledSoon: boolean } {
    const subscriptions = this.store.catalog.subscriptionsOf(topicId);
    const now = this.clock.now();
    let pulledSoon = false;
    for (const subscription of subscriptions) {
      const matcher = this.matcherFor(subscription);
      const matching = appended.filter((row) => matcher.matches(row.entry));
      if (matching.length === 0) continue;
      const added = this.rows.enqueue(subscription.id, subscription.ordered === 1, matching, now);
      if (added > 0) this.waiters.handOver(subscription.id, context, added);
      const pulledUpTo = this.rows.leases.find(subscription.id)?.cursor?.seq;
      if (pulledUpTo !== undefined && matching[0]!.seq - pulledUpTo <= KEEPING_UP_ROWS) pulledSoon = true;
    }
    return { pulledSoon };
  }

  /**
   * Messages of `subId` became ready outside a publish (retention trimmed what
   * held a key back, and the key's next message moved up): waiting pulls take
   * them in the same write, as they take new ones.
   */
  public readied(subId: number, count: number, context: WriteContext): void {
    if (count > 0) this.waiters.handOver(subId, context, count);
  }

  private matcherFor(subscription: SubscriptionRoute): SubscriptionMatcher {
    let matcher = this.matchers.get(subscription.id);
    if (matcher === undefined) {
      matcher = new SubscriptionMatcher(subscription.filter === null ? null : (JSON.parse(subscription.filter) as Json));
      this.matchers.set(subscription.id, matcher);
    }
    return matcher;
  }
}
