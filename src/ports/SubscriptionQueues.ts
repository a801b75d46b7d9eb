import type { AckOutcome, Delivery, ExternalQueues, Message, Subscription, SubscriptionStats } from '../domain/types.js';

export interface ReceiveOptions {
  readonly max: number;
  /** Long polling: how long to wait for a first message, in milliseconds. */
  readonly waitMs: number;
}

/** Work-queue side of every subscription: leases, acks and retries; failures past maxDeliveries go to DeadLetterQueues. */
export interface SubscriptionQueues {
  /**
   * Leases up to `max` ready messages for the subscription's ack deadline, waiting up
   * to `waitMs` for the first. Competing callers never hold the same message at once.
   * Takes no more than the backend's response byte budget holds (ResponseBudget;
   * at least one message when one is ready): a message not taken is not leased
   * and keeps its delivery attempt for the next pull.
   */
  receive(subscription: Subscription, options: ReceiveOptions, signal?: AbortSignal): Promise<Delivery[]>;
  ack(subscription: Subscription, ackIds: readonly string[]): Promise<AckOutcome>;
  /** Gives messages back: redelivered after `delayMs`, or after the retry backoff when absent. */
  nack(subscription: Subscription, ackIds: readonly string[], delayMs: number | undefined, reason: string | undefined): Promise<AckOutcome>;
  /** The lease now ends `seconds` from now. */
  extend(subscription: Subscription, ackIds: readonly string[], seconds: number): Promise<AckOutcome>;

  /** Queues copies of these log messages for this subscription only (seek, backfill). */
  requeue(subscription: Subscription, messages: readonly Message[]): Promise<number>;

  stats(subscription: Subscription): Promise<SubscriptionStats>;
  /**
   * Where consumers outside the API can attach to the subscription's queue, for
   * backends whose queues are services of their own (AWS: the SQS queue and its
   * dead-letter queue). Backends without such queues leave it out.
   */
  externalQueues?(subscription: Subscription): Promise<ExternalQueues>;
  /** Turns expired leases into retries or dead letters; returns how many leases expired. */
  expireLeases(now: number): Promise<number>;
  /** Earliest lease expiry across all subscriptions, or null. */
  nextLeaseExpiryAt(): Promise<number | null>;
}
