import type { SubscriptionView } from '../../src/client/types.js';

/**
 * A subscription as the API describes it: `orders/billing` with the default
 * settings and empty stats, overridden by `fields` (`stats` merged).
 *
 * @example
 * subscriptionView({ name: 'audit', stats: { backlog: 3 } });
 */
export function subscriptionView(fields: Partial<Omit<SubscriptionView, 'stats'>> & { readonly stats?: Partial<SubscriptionView['stats']> } = {}): SubscriptionView {
  const { stats, ...settings } = fields;
  return {
    topic: 'orders',
    name: 'billing',
    filter: null,
    ackDeadlineSeconds: 30,
    maxDeliveries: 5,
    retryBackoff: { minSeconds: 1, maxSeconds: 600 },
    ordered: false,
    startFrom: 'latest',
    deadLetterAlarm: true,
    createdAt: '2024-05-01T12:00:00.000Z',
    ...settings,
    stats: { backlog: 0, inFlight: 0, delayed: 0, deadLetters: 0, oldestUnackedAgeSeconds: 0, ...stats },
  };
}
