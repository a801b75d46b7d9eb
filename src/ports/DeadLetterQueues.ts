import type { DeadLetter, Subscription } from '../domain/types.js';

/** Each subscription's dead letters: messages that failed maxDeliveries times (SQS's DLQ with redrive). */
export interface DeadLetterQueues {
  /** Up to `limit` dead letters, no more than the backend's response byte budget holds (at least one when there is one). */
  list(subscription: Subscription, limit: number): Promise<DeadLetter[]>;
  /** Moves dead letters back to the subscription with attempts reset; all when `ids` is absent. */
  redrive(subscription: Subscription, ids: readonly string[] | undefined): Promise<number>;
  /** Deletes dead letters for good; all when `ids` is absent. */
  delete(subscription: Subscription, ids: readonly string[] | undefined): Promise<number>;
}
