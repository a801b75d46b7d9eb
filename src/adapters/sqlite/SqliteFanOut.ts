import type { Clock } from '../../ports/Clock.js';
import type { Json } from '../../domain/types.js';
import { SubscriptionMatcher } from '../../routing/SubscriptionMatcher.js';
import type { WriteContext } from './GroupCommitWriter.js';
import type { LongPollWaiters } from './LongPollWaiters.js';
import type { QueueRows } from './QueueRows.js';
import type { AppendedRow } from './SqliteMessageLog.js';
import type { SqliteStore } from './SqliteStore.js';

interface SubscriptionRouteRow {
  id: number;
  filter: string | null;
  ordered: number;
}

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

  public route(topicId: number, appended: readonly AppendedRow[], context: WriteContext): void {
    const subscriptions = this.store
      .statement('SELECT id, filter, ordered FROM subscriptions WHERE topic_id = ?')
      .all(topicId) as SubscriptionRouteRow[];
    const now = this.clock.now();
    for (const subscription of subscriptions) {
      const matcher = this.matcherFor(subscription);
      const matching = appended.filter((row) => matcher.matches(row));
      if (matching.length === 0) continue;
      const added = this.rows.enqueue(subscription.id, subscription.ordered === 1, matching, now);
      if (added > 0) this.waiters.handOver(subscription.id, context, added);
    }
  }

  private matcherFor(subscription: SubscriptionRouteRow): SubscriptionMatcher {
    let matcher = this.matchers.get(subscription.id);
    if (matcher === undefined) {
      matcher = new SubscriptionMatcher(subscription.filter === null ? null : (JSON.parse(subscription.filter) as Json));
      this.matchers.set(subscription.id, matcher);
    }
    return matcher;
  }
}
