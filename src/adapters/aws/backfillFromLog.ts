import { ReadLimits } from '../../domain/constants.js';
import type { MessageLog, ReadPosition } from '../../ports/MessageLog.js';
import type { SubscriptionQueues } from '../../ports/SubscriptionQueues.js';
import { SubscriptionMatcher } from '../../routing/SubscriptionMatcher.js';
import type { Backfill } from './collaborators.js';

/**
 * `startFrom: "earliest"` on AWS: reads every retained message of the topic,
 * partition by partition, and queues the ones matching the filter for the new
 * subscription. Its rule (or the relay) already routes new messages, so a
 * message published while this runs can arrive twice; none is missed.
 *
 * @example
 * const backfill = backfillFromLog(log, queues);
 */
export function backfillFromLog(log: Pick<MessageLog, 'read'>, queues: Pick<SubscriptionQueues, 'requeue'>): Backfill {
  return async (topic, subscription) => {
    const matcher = new SubscriptionMatcher(subscription.filter);
    for (let partition = 0; partition < topic.partitions; partition += 1) {
      let position: ReadPosition = { oldest: true };
      for (;;) {
        const page = await log.read(topic, partition, position, ReadLimits.limit.max);
        if (page.messages.length === 0) break;
        const matching = page.messages.filter((message) => matcher.matches(message));
        if (matching.length > 0) await queues.requeue(subscription, matching);
        position = { offset: page.nextOffset };
      }
    }
  };
}
