import type { SubscriptionSettings } from './types.js';

/** Whether two subscriptions have the same values of the settings a PATCH can change. */
export function sameChangeableSettings(a: SubscriptionSettings, b: SubscriptionSettings): boolean {
  return (
    a.ackDeadlineSeconds === b.ackDeadlineSeconds &&
    a.maxDeliveries === b.maxDeliveries &&
    a.retryBackoff.minSeconds === b.retryBackoff.minSeconds &&
    a.retryBackoff.maxSeconds === b.retryBackoff.maxSeconds &&
    a.deadLetterAlarm === b.deadLetterAlarm
  );
}
