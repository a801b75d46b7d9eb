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

/** The subscription's current row; SubscriptionNotFoundError when it was deleted meanwhile. */
export function requireSubscriptionRow(store: SqliteStore, subscription: Subscription): SubscriptionRow {
  const row = store.catalog.subscription(subscription.topic, subscription.name);
  if (row === undefined) throw new SubscriptionNotFoundError(subscription.topic, subscription.name);
  return row;
}
