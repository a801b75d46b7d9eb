import type { StartFrom } from '../../../domain/constants.js';
import type { Json, Schedule, Subscription, Topic } from '../../../domain/types.js';
import { topicKey } from '../names.js';
import type { FanOut } from '../packs/packFormat.js';
import type { TransactItem } from './transactions.js';

/**
 * Layout of the meta table (pk `pk` S, sk `sk` S, TTL attribute `ttl`).
 *
 * | what           | pk                   | sk                               | attributes                                                      |
 * |----------------|----------------------|----------------------------------|-----------------------------------------------------------------|
 * | topic          | `topic`              | topic name                       | name, partitions, retentionHours, dedupWindowSeconds, createdAt |
 * | subscription   | `sub#<topic>`        | subscription name                | the Subscription's fields; filter as JSON text; fanOut          |
 * | cron schedule  | `schedule`           | schedule name                    | the Schedule's fields; message as JSON text; nextFireAtMs (N)   |
 * | group offset   | `group#<topic>`      | `<group>#<partition, 3 digits>`  | group, partition, offset                                        |
 * | dedup entry    | `dedup#<topicKey>`   | message id                       | exp (ms), ttl (s); part + off, or sf (scheduledFor, ms)         |
 * | release marker | `release#<topicKey>` | `<dueAt ms>#<message id>`        | part, off, ttl (s): a delayed message already entered the log; cancelled, ttl (s): it never will |
 * | delayed message | `delayed#<topicKey>` | `<dueAt ms, 15 digits>#<message id>` | id, part, key, body and attrs (JSON text), dueAt, pub (ms), ttl (s): waiting for its delivery time |
 * | delayed id     | `delayedid#<topicKey>` | `<message id>#<dueAt ms>`      | id, dueAt, pub, ttl (s): finds a waiting message by id; counted for the topic's stats |
 *
 * Names match `^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$`, so `#` never occurs inside
 * one and `<group>#` is an exact prefix. Dedup entries and release markers are
 * keyed by the topic's incarnation (`topicKey`: name + createdAt), so a
 * re-created topic never sees the old one's; DynamoDB TTL removes them.
 * Absent attributes stand for null.
 */
export interface MetaKey {
  readonly pk: string;
  readonly sk: string;
}

export const TOPICS_PK = 'topic';
export const SCHEDULES_PK = 'schedule';
/** How long a release marker outlives its release: longer than SQS keeps redelivering a delay-queue message. */
export const RELEASE_MARKER_TTL_SECONDS = 86_400;

export const metaKeys = {
  topic: (name: string): MetaKey => ({ pk: TOPICS_PK, sk: name }),
  subscriptions: (topic: string): string => `sub#${topic}`,
  subscription: (topic: string, name: string): MetaKey => ({ pk: `sub#${topic}`, sk: name }),
  schedule: (name: string): MetaKey => ({ pk: SCHEDULES_PK, sk: name }),
  groups: (topic: string): string => `group#${topic}`,
  groupPrefix: (group: string): string => `${group}#`,
  groupOffset: (topic: string, group: string, partition: number): MetaKey => ({
    pk: `group#${topic}`,
    sk: `${group}#${String(partition).padStart(3, '0')}`,
  }),
  dedup: (topic: Pick<Topic, 'name' | 'createdAt'>, id: string): MetaKey => ({ pk: `dedup#${topicKey(topic)}`, sk: id }),
  /** A message id may be published again once its dedup window is over, so the due time is part of the key. */
  release: (topic: Pick<Topic, 'name' | 'createdAt'>, id: string, dueAt: number | undefined): MetaKey => ({
    pk: `release#${topicKey(topic)}`,
    sk: `${dueAt ?? ''}#${id}`,
  }),
  /** The waiting messages of a topic, in due order (the due time padded, so the sort key sorts by it). */
  delayedMessages: (topic: Pick<Topic, 'name' | 'createdAt'>): string => `delayed#${topicKey(topic)}`,
  delayedMessage: (topic: Pick<Topic, 'name' | 'createdAt'>, id: string, dueAt: number): MetaKey => ({
    pk: `delayed#${topicKey(topic)}`,
    sk: `${String(dueAt).padStart(DUE_DIGITS, '0')}#${id}`,
  }),
  /** The same messages by id: a prefix `<id>#` finds an id's (ids may hold `#`, so the items' `id` decides). */
  delayedIds: (topic: Pick<Topic, 'name' | 'createdAt'>): string => `delayedid#${topicKey(topic)}`,
  delayedId: (topic: Pick<Topic, 'name' | 'createdAt'>, id: string, dueAt: number): MetaKey => ({ pk: `delayedid#${topicKey(topic)}`, sk: `${id}#${dueAt}` }),
} as const;

/** Digits of a due time in a delayed message's sort key: epoch ms stay below 10^15 until the year 33658. */
export const DUE_DIGITS = 15;

export interface TopicItem extends MetaKey, Topic {}

export function toTopicItem(topic: Topic): TopicItem {
  return { ...metaKeys.topic(topic.name), name: topic.name, partitions: topic.partitions, retentionHours: topic.retentionHours, dedupWindowSeconds: topic.dedupWindowSeconds, createdAt: topic.createdAt };
}

export function fromTopicItem(item: Record<string, unknown>): Topic {
  const topic = item as unknown as TopicItem;
  return { name: topic.name, partitions: topic.partitions, retentionHours: topic.retentionHours, dedupWindowSeconds: topic.dedupWindowSeconds, createdAt: topic.createdAt };
}

export interface SubscriptionItem extends MetaKey {
  readonly topic: string;
  readonly name: string;
  readonly filter?: string;
  readonly ackDeadlineSeconds: number;
  readonly maxDeliveries: number;
  readonly retryBackoffMinSeconds: number;
  readonly retryBackoffMaxSeconds: number;
  readonly ordered: boolean;
  readonly startFrom: StartFrom;
  /** Absent from items written before the setting existed: those subscriptions have their alarm. */
  readonly deadLetterAlarm?: boolean;
  /** `pack` when the subscription's rule matches packs (packFormat.ts); absent from items written before packs, whose rules match one event per message. */
  readonly fanOut?: 'pack';
  readonly createdAt: string;
}

export function toSubscriptionItem(subscription: Subscription, fanOut: FanOut): SubscriptionItem {
  return {
    ...metaKeys.subscription(subscription.topic, subscription.name),
    topic: subscription.topic,
    name: subscription.name,
    ...(subscription.filter === null ? {} : { filter: JSON.stringify(subscription.filter) }),
    ackDeadlineSeconds: subscription.ackDeadlineSeconds,
    maxDeliveries: subscription.maxDeliveries,
    retryBackoffMinSeconds: subscription.retryBackoff.minSeconds,
    retryBackoffMaxSeconds: subscription.retryBackoff.maxSeconds,
    ordered: subscription.ordered,
    startFrom: subscription.startFrom,
    deadLetterAlarm: subscription.deadLetterAlarm,
    ...(fanOut === 'pack' ? { fanOut } : {}),
    createdAt: subscription.createdAt,
  };
}

/** How the relay reaches the subscription of the item: packs, or one event per message for items written before packs. */
export function fanOutOf(item: Record<string, unknown>): FanOut {
  return (item as unknown as SubscriptionItem).fanOut === 'pack' ? 'pack' : 'event';
}

export function fromSubscriptionItem(item: Record<string, unknown>): Subscription {
  const sub = item as unknown as SubscriptionItem;
  return {
    topic: sub.topic,
    name: sub.name,
    filter: sub.filter === undefined ? null : (JSON.parse(sub.filter) as Json),
    ackDeadlineSeconds: sub.ackDeadlineSeconds,
    maxDeliveries: sub.maxDeliveries,
    retryBackoff: { minSeconds: sub.retryBackoffMinSeconds, maxSeconds: sub.retryBackoffMaxSeconds },
    ordered: sub.ordered,
    startFrom: sub.startFrom,
    deadLetterAlarm: sub.deadLetterAlarm ?? true,
    createdAt: sub.createdAt,
  };
}

export interface ScheduleItem extends MetaKey {
  readonly name: string;
  readonly topic: string;
  readonly cron: string;
  readonly timezone: string;
  readonly message: string;
  readonly createdAt: string;
  readonly nextFireAt?: string;
  /** `nextFireAt` in epoch ms: what due-queries filter on and advances compare. */
  readonly nextFireAtMs?: number;
  readonly lastFiredAt?: string;
}

export function fromScheduleItem(item: Record<string, unknown>): Schedule {
  const schedule = item as unknown as ScheduleItem;
  return {
    name: schedule.name,
    topic: schedule.topic,
    cron: schedule.cron,
    timezone: schedule.timezone,
    message: JSON.parse(schedule.message) as Schedule['message'],
    createdAt: schedule.createdAt,
    nextFireAt: schedule.nextFireAt ?? null,
    lastFiredAt: schedule.lastFiredAt ?? null,
  };
}

export interface GroupOffsetItem extends MetaKey {
  readonly group: string;
  readonly partition: number;
  readonly offset: number;
}

/** What a dedup entry remembers of the original: its log position, or when it will enter the log. */
export interface DedupItem extends MetaKey {
  /** End of the dedup window, epoch ms: the entry counts while `exp > now`. */
  readonly exp: number;
  readonly ttl: number;
  readonly part?: number;
  readonly off?: number;
  readonly sf?: number;
}

/** A delayed message entered the log at `part`/`off`, or was cancelled and never will: either way a release skips it. */
export type ReleaseMarkerItem = MetaKey & { readonly ttl: number } & ({ readonly part: number; readonly off: number } | { readonly cancelled: true });

/** A message waiting for its delivery time, as listings show it. */
export interface DelayedMessageItem extends MetaKey {
  readonly id: string;
  readonly part: number;
  readonly key?: string;
  /** The body as JSON text, as publishing received it. */
  readonly body: string;
  /** The attributes as JSON text; absent when there are none. */
  readonly attrs?: string;
  readonly dueAt: number;
  /** When it was published, epoch ms. */
  readonly pub: number;
  readonly ttl: number;
}

/** The same message found by its id. */
export interface DelayedIdItem extends MetaKey {
  readonly id: string;
  readonly dueAt: number;
  readonly pub: number;
  readonly ttl: number;
}

/** Epoch seconds for DynamoDB TTL, never before `epochMs`. */
export const ttlSeconds = (epochMs: number): number => Math.ceil(epochMs / 1000);

/** The transaction item that fails (with TopicNotFound) when the topic was deleted or re-created since it was read. */
export function topicCheck(metaTable: string, topic: Pick<Topic, 'name' | 'createdAt'>): TransactItem {
  return {
    ConditionCheck: {
      TableName: metaTable,
      Key: metaKeys.topic(topic.name),
      ConditionExpression: 'createdAt = :createdAt',
      ExpressionAttributeValues: { ':createdAt': topic.createdAt },
    },
  };
}
