import { SubscriptionNotFoundError } from '../../domain/errors.js';
import type { Subscription } from '../../domain/types.js';
import type { SqliteStore } from './SqliteStore.js';

/** What the queue adapters need of a subscription: its row id and delivery settings. */
export interface SubscriptionRow {
  id: number;
  topic: string;
  name: string;
  ordered: number;
  ack_deadline_seconds: number;
  max_deliveries: number;
  backoff_min_seconds: number;
  backoff_max_seconds: number;
}

export const SUBSCRIPTION_ROW_SELECT = `SELECT s.id, t.name AS topic, s.name, s.ordered, s.ack_deadline_seconds, s.max_deliveries, s.backoff_min_seconds, s.backoff_max_seconds
  FROM subscriptions s JOIN topics t ON t.id = s.topic_id`;

/** The subscription's current row; SubscriptionNotFoundError when it was deleted meanwhile. */
export function requireSubscriptionRow(store: SqliteStore, subscription: Subscription): SubscriptionRow {
  const row = store.catalog.subscription(subscription.topic, subscription.name);
  if (row === undefined) throw new SubscriptionNotFoundError(subscription.topic, subscription.name);
  return row;
}
