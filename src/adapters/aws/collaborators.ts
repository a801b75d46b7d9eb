import type { Json, Schedule, Subscription, Topic } from '../../domain/types.js';
import type { LogEntry } from '../../ports/MessageLog.js';
import type { FanOut } from './packs/packFormat.js';

/**
 * Seams between the AWS adapters: the DynamoDB side (log, metadata) calls these
 * for what lives in SQS, EventBridge and EventBridge Scheduler. createAwsBackend
 * wires the implementations together.
 */

/** Creates and removes a subscription's queue, dead-letter queue and EventBridge rule. */
export interface SubscriptionProvisioner {
  /** What the rules of the subscriptions it provisions match, which the subscription's item records for the relay. */
  readonly fanOut: FanOut;
  /** Idempotent: resources that already exist are kept (a retried create converges). */
  provision(subscription: Subscription): Promise<void>;
  /** Idempotent: resources already gone are ignored. */
  destroy(subscription: Subscription): Promise<void>;
  /**
   * Applies the changeable settings to the resources (queue visibility, redrive
   * count, dead-letter alarm). Idempotent; SubscriptionNotFound when the queues are gone.
   */
  update(subscription: Subscription): Promise<void>;
}

/** Queues copies of retained log messages for a new `startFrom: "earliest"` subscription. */
export type Backfill = (topic: Topic, subscription: Subscription) => Promise<void>;

/** The EventBridge Scheduler schedule behind each cron schedule. */
export interface ScheduleTimers {
  /** Creates or updates the recurring schedule that invokes the schedule target. */
  put(schedule: Schedule): Promise<void>;
  /** Idempotent. */
  delete(name: string): Promise<void>;
}

/**
 * A delayed message on its way: what the delay queue (or a long-delay schedule)
 * carries until the message is due and appended to the log.
 */
export interface DelayedEnvelope {
  readonly topic: string;
  /** Which incarnation of the topic: a message for a deleted and re-created topic is dropped. */
  readonly topicCreatedAt: string;
  readonly id: string;
  readonly partition: number;
  readonly key: string | null;
  readonly body: Json;
  readonly attributes: Readonly<Record<string, string>>;
  /** Epoch ms. */
  readonly dueAt: number;
}

/** Sends delayed entries to the delay queue (≤ 15 min) or to a one-time schedule (longer). */
export interface DelayedSender {
  send(topic: Topic, entries: ReadonlyArray<LogEntry & { readonly dueAt: number }>): Promise<void>;
  /** Deletes the one-time schedule of an entry sent earlier, when it has one and it has not fired; idempotent. */
  unschedule(topic: Topic, entry: LogEntry & { readonly dueAt: number }): Promise<void>;
}
