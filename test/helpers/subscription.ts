import { StartFrom } from '../../src/domain/constants.js';
import type { Subscription } from '../../src/domain/types.js';

/**
 * A subscription as the broker keeps it: `orders/billing` with the API's default
 * settings, created 2026-01-02, overridden by `fields`.
 *
 * @example
 * subscriptionOf({ name: 'audit', ordered: true });
 */
export function subscriptionOf(fields: Partial<Subscription> = {}): Subscription {
  return {
    topic: 'orders',
    name: 'billing',
    filter: null,
    ackDeadlineSeconds: 30,
    maxDeliveries: 5,
    retryBackoff: { minSeconds: 1, maxSeconds: 600 },
    ordered: false,
    startFrom: StartFrom.Latest,
    deadLetterAlarm: true,
    createdAt: '2026-01-02T00:00:00.000Z',
    ...fields,
  };
}
