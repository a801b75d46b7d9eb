import type { Broker } from '../broker/Broker.js';
import type { SubscriptionGaugeSource } from '../observability/Metrics.js';

/** Backlog, in-flight, delayed and dead-letter gauges of every subscription, read at scrape time. */
export function subscriptionGauges(broker: Broker): SubscriptionGaugeSource {
  return {
    snapshot: async () => {
      const rows = [];
      for (const topic of await broker.topics.list()) {
        for (const subscription of await broker.subscriptions.list(topic.name)) {
          rows.push({ topic: topic.name, subscription: subscription.name, ...subscription.stats });
        }
      }
      return rows;
    },
  };
}
