import type { Broker } from '../broker/Broker.js';
import { TopicNotFoundError } from '../domain/errors.js';
import type { GaugeSource } from '../observability/Metrics.js';

/** Delayed messages of every topic; backlog, in-flight and oldest-unacked age of every subscription; read at scrape time. */
export function storeGauges(broker: Broker): GaugeSource {
  return {
    snapshot: async () => {
      const topics = [];
      const subscriptions = [];
      for (const topic of await broker.topics.list()) {
        try {
          const delayed = await broker.delays.count(topic.name);
          const described = await broker.subscriptions.list(topic.name);
          topics.push({ topic: topic.name, delayed });
          for (const subscription of described) subscriptions.push({ topic: topic.name, subscription: subscription.name, ...subscription.stats });
        } catch (error) {
          // Deleted while the scrape ran: it has no series any more.
          if (!(error instanceof TopicNotFoundError)) throw error;
        }
      }
      return { topics, subscriptions };
    },
  };
}
