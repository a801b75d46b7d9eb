import type { Json, Message, Schedule, Subscription, Topic } from '../../domain/types.js';
import type { StartFrom } from '../../domain/constants.js';

const iso = (epochMs: number): string => new Date(epochMs).toISOString();
const isoOrNull = (epochMs: number | null): string | null => (epochMs === null ? null : iso(epochMs));

export interface TopicRow {
  id: number;
  name: string;
  partitions: number;
  retention_hours: number;
  dedup_window_seconds: number;
  created_at: number;
}

export function toTopic(row: TopicRow): Topic {
  return {
    name: row.name,
    partitions: row.partitions,
    retentionHours: row.retention_hours,
    dedupWindowSeconds: row.dedup_window_seconds,
    createdAt: iso(row.created_at),
  };
}

export interface SubscriptionRow {
  id: number;
  topic: string;
  name: string;
  filter: string | null;
  ack_deadline_seconds: number;
  max_deliveries: number;
  backoff_min_seconds: number;
  backoff_max_seconds: number;
  ordered: number;
  start_from: string;
  created_at: number;
  dead_letter_alarm: number;
}

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    topic: row.topic,
    name: row.name,
    filter: row.filter === null ? null : (JSON.parse(row.filter) as Json),
    ackDeadlineSeconds: row.ack_deadline_seconds,
    maxDeliveries: row.max_deliveries,
    retryBackoff: { minSeconds: row.backoff_min_seconds, maxSeconds: row.backoff_max_seconds },
    ordered: row.ordered === 1,
    startFrom: row.start_from as StartFrom,
    deadLetterAlarm: row.dead_letter_alarm !== 0,
    createdAt: iso(row.created_at),
  };
}

export interface ScheduleRow {
  name: string;
  topic: string;
  cron: string;
  timezone: string;
  message: string;
  created_at: number;
  next_fire_at: number | null;
  last_fired_at: number | null;
}

export function toSchedule(row: ScheduleRow): Schedule {
  return {
    name: row.name,
    topic: row.topic,
    cron: row.cron,
    timezone: row.timezone,
    message: JSON.parse(row.message) as Schedule['message'],
    createdAt: iso(row.created_at),
    nextFireAt: isoOrNull(row.next_fire_at),
    lastFiredAt: isoOrNull(row.last_fired_at),
  };
}

export interface LogRow {
  seq: number;
  topic: string;
  partition: number;
  offset: number;
  id: string;
  key: string | null;
  body: string;
  attributes: string | null;
  published_at: number;
}

/** A stored message's key, body and attributes, as the log and the timers both keep them. */
export interface ContentColumns {
  key: string | null;
  body: string;
  attributes: string | null;
}

export function toContent(row: ContentColumns): { key: string | null; body: Json; attributes: Record<string, string> } {
  return {
    key: row.key,
    body: JSON.parse(row.body) as Json,
    attributes: row.attributes === null ? {} : (JSON.parse(row.attributes) as Record<string, string>),
  };
}

export function toMessage(row: LogRow): Message {
  return {
    id: row.id,
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    ...toContent(row),
    publishedAt: iso(row.published_at),
  };
}

/** Attributes are stored as NULL when empty: most messages have none. */
export function attributesColumn(attributes: Readonly<Record<string, string>>): string | null {
  for (const _ in attributes) return JSON.stringify(attributes);
  return null;
}
