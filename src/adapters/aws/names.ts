import { createHash } from 'node:crypto';
import type { Subscription, Topic } from '../../domain/types.js';

/**
 * Names of what the AWS backend creates at runtime. Each is derived from the
 * name *and* creation time of its topic or subscription, so a topic or
 * subscription deleted and created again never sees the old one's log items,
 * queues or rules (SQS also refuses a deleted queue's name for 60 s).
 */
const digest = (...parts: readonly string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);

/** Identity of one incarnation of a topic: prefix of its log partition keys. */
export function topicKey(topic: Pick<Topic, 'name' | 'createdAt'>): string {
  return `${topic.name}.${digest(topic.name, topic.createdAt).slice(0, 8)}`;
}

/** Partition key of a log partition in the log table. */
export function partitionKey(topic: Pick<Topic, 'name' | 'createdAt'>, partition: number): string {
  return `${topicKey(topic)}#${partition}`;
}

export interface SubscriptionResourceNames {
  /** The work queue; ordered subscriptions get a FIFO queue (`.fifo`). */
  readonly queue: string;
  /** Its dead-letter queue (FIFO when the queue is). */
  readonly deadLetterQueue: string;
  /** The EventBridge rule of an unordered subscription: it routes the packs naming it (by this name) to the pack inbox, for the queue; or, for a subscription made with fanOut `event`, the matching messages' events to the queue. */
  readonly rule: string;
  /** The CloudWatch alarm on the dead-letter queue's depth (unless the subscription opted out). */
  readonly deadLetterAlarm: string;
}

/** SQS queue names are at most 80 characters, so subscriptions are named by a digest. */
export function subscriptionResourceNames(prefix: string, subscription: Pick<Subscription, 'topic' | 'name' | 'createdAt' | 'ordered'>): SubscriptionResourceNames {
  const base = `${prefix}-s-${digest(subscription.topic, subscription.name, subscription.createdAt)}`;
  const fifo = subscription.ordered ? '.fifo' : '';
  return { queue: `${base}${fifo}`, deadLetterQueue: `${base}-dlq${fifo}`, rule: base, deadLetterAlarm: `${base}-dead-letters` };
}

/**
 * Tags of everything one deployment creates, the stack's resources and those
 * created at runtime alike, so cost reports and tag-based policies can select a
 * deployment.
 *
 * @example
 * deploymentTags('conveyor'); // { app: 'conveyor', 'conveyor:prefix': 'conveyor' }
 */
export function deploymentTags(prefix: string): Record<string, string> {
  return { app: 'conveyor', 'conveyor:prefix': prefix };
}

/** The EventBridge Scheduler schedule of a cron schedule. */
export function cronScheduleName(prefix: string, name: string): string {
  return `${prefix}-cron-${name}`;
}

/** The one-time EventBridge Scheduler schedule that carries a long delay to the delay queue. */
export function delayScheduleName(prefix: string, messageId: string): string {
  return `${prefix}-d-${digest(messageId)}`;
}
