import type { SubscriptionView } from '../../src/client/types.js';
import { subscriptionOf } from './subscription.js';

/**
 * A subscription as the API describes it: subscriptionOf's `orders/billing`
 * with the default settings, created 2024-05-01, and empty stats, overridden by
 * `fields` (`stats` merged).
 *
 * @example
 * subscriptionView({ name: 'audit', stats: { backlog: 3 } });
 */
export function subscriptionView(fields: Partial<Omit<SubscriptionView, 'stats'>> & { readonly stats?: Partial<SubscriptionView['stats']> } = {}): SubscriptionView {
  const { stats, ...settings } = fields;
  // The client's schema types a filter apart from the domain's; the default (none) is the same.
  const { filter: _none, ...defaults } = subscriptionOf({ createdAt: '2024-05-01T12:00:00.000Z' });
  return {
    ...defaults,
    filter: null,
    ...settings,
    stats: { backlog: 0, inFlight: 0, delayed: 0, deadLetters: 0, oldestUnackedAgeSeconds: 0, ...stats },
  };
}
