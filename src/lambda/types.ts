import type { Logger } from '@aws-lambda-powertools/logger';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context, SQSRecord } from 'aws-lambda';
import type { Attributes, Json } from '../domain/types.js';

/**
 * A message as a Lambda consumer receives it: what a pull returns (without the
 * ack id, which the event source mapping holds), plus the subscription.
 */
export interface ConsumedMessage<TBody = Json> {
  readonly id: string;
  readonly topic: string;
  readonly subscription: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly attributes: Attributes;
  readonly body: TBody;
  /** RFC 3339 with milliseconds. */
  readonly publishedAt: string;
  /** 1 on the first delivery; SQS's ApproximateReceiveCount. */
  readonly deliveryAttempt: number;
}

/** What the handler gets besides the message. */
export interface MessageContext {
  readonly lambdaContext: Context;
  /** The consumer's logger with this message's id, topic, subscription and attempt as keys (made on first use). */
  readonly logger: Logger;
  /** The SQS record the message came in. */
  readonly record: SQSRecord;
}

/** The user's code for one message: throwing (or rejecting) fails that message, and only that one is retried. */
export type MessageHandler<TBody = Json> = (message: ConsumedMessage<TBody>, context: MessageContext) => unknown;

/** Idempotency on the message id, with Powertools' idempotency utility. */
export type IdempotencyOptions = (
  | {
      /** A DynamoDB table with partition key `id` (S) and TTL attribute `expiration`, as Powertools expects. */
      readonly tableName: string;
    }
  | {
      /** Any Powertools persistence layer (DynamoDB with your own client, a cache…), e.g. for tests. */
      readonly persistenceStore: BasePersistenceLayer;
    }
) & {
  /**
   * How long a message that succeeded is remembered, so that a redelivery of
   * it is skipped. Redeliveries come within the ack deadline plus the retry
   * backoff, or after a seek or a redrive; the remembered window should cover the ones you expect.
   * @default 3600 (Powertools' default)
   */
  readonly expiresAfterSeconds?: number;
};

export interface ConsumeOptions {
  /**
   * `"<topic>/<subscription>"`, for records whose queue CONVEYOR_SUBSCRIPTION_QUEUES does not name.
   * @default none: such a record fails the invocation with a ConsumerConfigurationError
   */
  readonly subscription?: string;
  /**
   * Messages of one batch handled at once, on standard queues (unordered
   * subscriptions). FIFO queues (ordered subscriptions) are always handled one
   * message after the other, in order.
   * @default 1 (one after the other; the event source mapping's concurrency scales across batches)
   */
  readonly concurrency?: number;
  /** @default none: a redelivered message is handled again */
  readonly idempotency?: IdempotencyOptions;
  /** @default a Powertools Logger with service name `conveyor-consumer` (POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL apply) */
  readonly logger?: Logger;
}
