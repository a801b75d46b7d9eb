import type { AckFailure, StartFrom } from './constants.js';

/** JSON value as received and stored; Conveyor never interprets message bodies except for filters. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Attributes = Readonly<Record<string, string>>;

export interface TopicSettings {
  readonly partitions: number;
  readonly retentionHours: number;
  readonly dedupWindowSeconds: number;
}

export interface Topic extends TopicSettings {
  readonly name: string;
  /** RFC 3339. */
  readonly createdAt: string;
}

export interface PartitionStats {
  readonly partition: number;
  readonly oldestOffset: number;
  readonly nextOffset: number;
}

export interface RetryBackoff {
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

export interface SubscriptionSettings {
  readonly filter: Json | null;
  readonly ackDeadlineSeconds: number;
  readonly maxDeliveries: number;
  readonly retryBackoff: RetryBackoff;
  readonly ordered: boolean;
  readonly startFrom: StartFrom;
  /**
   * On AWS, a CloudWatch alarm on the subscription's dead-letter queue (in alarm
   * from the first dead letter). The embedded backend stores it and does nothing with it.
   */
  readonly deadLetterAlarm: boolean;
}

/**
 * A change of a subscription's settings (PATCH). `ackDeadlineSeconds`,
 * `maxDeliveries`, `retryBackoff` (either bound) and `deadLetterAlarm` can
 * change; `filter`, `ordered` and `startFrom` are fixed and only accepted with
 * the value they have (SubscriptionAdmin.update).
 */
export interface SubscriptionChanges {
  readonly ackDeadlineSeconds?: number;
  readonly maxDeliveries?: number;
  readonly retryBackoff?: Partial<RetryBackoff>;
  readonly deadLetterAlarm?: boolean;
  readonly filter?: Json | null;
  readonly ordered?: boolean;
  readonly startFrom?: StartFrom;
}

export interface Subscription extends SubscriptionSettings {
  readonly topic: string;
  readonly name: string;
  readonly createdAt: string;
}

/**
 * The AWS resources a subscription's messages wait in, for consumers that attach
 * to them outside Conveyor's API (an SQS event source mapping, SAM, Terraform).
 */
export interface AwsSubscriptionQueues {
  readonly queueArn: string;
  readonly queueUrl: string;
  readonly deadLetterQueueArn: string;
}

/** What a backend's own services know a subscription by; only the AWS backend has any (`aws`). */
export interface ExternalQueues {
  readonly aws?: AwsSubscriptionQueues;
}

export interface SubscriptionStats {
  readonly backlog: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly deadLetters: number;
  readonly oldestUnackedAgeSeconds: number;
}

/** One message as it sits in a topic's log. */
export interface Message {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly body: Json;
  readonly attributes: Attributes;
  /** RFC 3339 with milliseconds. */
  readonly publishedAt: string;
}

export interface Delivery extends Message {
  readonly ackId: string;
  readonly deliveryAttempt: number;
  /**
   * The ack deadline this lease was given, in seconds: the subscription's
   * ackDeadlineSeconds when the message was leased (a PATCH afterwards does
   * not change a lease already taken).
   */
  readonly leaseSeconds: number;
}

/** A message waiting for its delivery time: published, not yet in the log (it gets its offset when due). */
export interface DelayedMessage {
  readonly id: string;
  readonly topic: string;
  /** The partition it will enter, chosen when it was published. */
  readonly partition: number;
  readonly key: string | null;
  readonly body: Json;
  readonly attributes: Attributes;
  /** When it is due, RFC 3339 with milliseconds (the publish's `scheduledFor`). */
  readonly deliverAt: string;
  /** When it was published, RFC 3339 with milliseconds; null for a message an earlier version stored without it. */
  readonly publishedAt: string | null;
}

/** One page of a topic's delayed messages, in due order; `nextCursor` continues after the last one (null at the end). */
export interface DelayedPage {
  readonly messages: DelayedMessage[];
  readonly nextCursor: string | null;
}

export interface DeadLetter extends Message {
  readonly deliveryAttempt: number;
  readonly deadLetteredAt: string;
  readonly lastError: string | null;
}

/** A message as a publisher hands it in, after validation. */
export interface OutgoingMessage {
  readonly id?: string;
  readonly key?: string;
  readonly body: Json;
  readonly attributes?: Attributes;
  readonly delaySeconds?: number;
  /** Epoch milliseconds. */
  readonly deliverAt?: number;
}

export type PublishResult =
  | { readonly id: string; readonly partition: number; readonly offset: number; readonly duplicate: boolean }
  | { readonly id: string; readonly scheduledFor: string; readonly duplicate: boolean };

export interface AckOutcome {
  readonly acked: number;
  readonly failed: ReadonlyArray<{ readonly ackId: string; readonly code: AckFailure }>;
}

/**
 * What ack, nack and extend answer: the outcome, and how many ack ids did
 * nothing (`failed.length`), so a script can tell a request that settled
 * nothing from one that did without reading the list.
 */
export interface AckResult extends AckOutcome {
  readonly notAcked: number;
}

export interface GroupPartitionLag {
  readonly partition: number;
  readonly committedOffset: number | null;
  readonly nextOffset: number;
  readonly lag: number;
}

export interface ScheduledMessage {
  readonly body: Json;
  readonly key?: string;
  readonly attributes?: Attributes;
}

export interface ScheduleSettings {
  readonly topic: string;
  readonly cron: string;
  readonly timezone: string;
  readonly message: ScheduledMessage;
}

export interface Schedule extends ScheduleSettings {
  readonly name: string;
  readonly createdAt: string;
  readonly nextFireAt: string | null;
  readonly lastFiredAt: string | null;
}
