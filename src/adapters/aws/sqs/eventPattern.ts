import type { Json, Subscription } from '../../../domain/types.js';
import { EVENT_SOURCE } from './queueMessages.js';

/**
 * The EventBridge event pattern of an unordered subscription's rule when it
 * is reached by one event per message (fanOut `event`; every subscription
 * created before packs): every event of its topic (`detail-type` is the topic name) whose
 * `detail.filterable` (`{ key, attributes, body }`, see queueMessages.ts)
 * matches the subscription's filter, itself an EventBridge pattern.
 *
 * @example
 * rulePattern({ topic: 'orders', filter: { key: ['vip'] } });
 * // {"source":["conveyor"],"detail-type":["orders"],"detail":{"filterable":{"key":["vip"]}}}
 */
export function rulePattern(subscription: Pick<Subscription, 'topic' | 'filter'>): string {
  const pattern: Record<string, Json> = { source: [EVENT_SOURCE], 'detail-type': [subscription.topic] };
  if (subscription.filter !== null) pattern['detail'] = { filterable: subscription.filter };
  return JSON.stringify(pattern);
}
