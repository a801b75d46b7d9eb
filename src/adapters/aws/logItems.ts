import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Json, Message } from '../../domain/types.js';

/**
 * One message as it sits in the log table. The partition's head counter lives
 * in the same partition key at offset -1 (`HEAD_OFFSET`) with a `next` attribute.
 * Attribute names are short: every byte is paid for on each write and stream read.
 */
export interface LogItem {
  /** Partition key: `names.partitionKey(topic, partition)`. */
  readonly p: string;
  /** Offset in the partition. */
  readonly o: number;
  /** Topic name (the key `p` also holds the topic's incarnation). */
  readonly tp: string;
  /** Topic creation time, RFC 3339: which incarnation of the topic this is. */
  readonly tc: string;
  readonly part: number;
  readonly id: string;
  /** Message key, absent when null. */
  readonly k?: string;
  /** Body as JSON text. */
  readonly b: string;
  /** Attributes as JSON text, absent when empty. */
  readonly a?: string;
  /** Publish time, epoch ms. */
  readonly t: number;
  /** Expiry for DynamoDB TTL, epoch seconds (publish time + retention). */
  readonly ttl: number;
}

export const HEAD_OFFSET = -1;

export interface LogItemInput {
  readonly partitionKey: string;
  readonly topic: string;
  readonly topicCreatedAt: string;
  readonly partition: number;
  readonly offset: number;
  readonly id: string;
  readonly key: string | null;
  readonly body: Json;
  readonly attributes: Readonly<Record<string, string>>;
  readonly publishedAt: number;
  readonly retentionHours: number;
}

export function toLogItem(input: LogItemInput): LogItem {
  const hasAttributes = Object.keys(input.attributes).length > 0;
  return {
    p: input.partitionKey,
    o: input.offset,
    tp: input.topic,
    tc: input.topicCreatedAt,
    part: input.partition,
    id: input.id,
    ...(input.key === null ? {} : { k: input.key }),
    b: JSON.stringify(input.body),
    ...(hasAttributes ? { a: JSON.stringify(input.attributes) } : {}),
    t: input.publishedAt,
    ttl: Math.ceil((input.publishedAt + input.retentionHours * 3_600_000) / 1000),
  };
}

export function isMessageItem(item: Record<string, unknown>): item is LogItem & Record<string, unknown> {
  return typeof item['o'] === 'number' && item['o'] >= 0 && typeof item['id'] === 'string';
}

export function fromLogItem(item: LogItem): Message {
  return {
    id: item.id,
    topic: item.tp,
    partition: item.part,
    offset: item.o,
    key: item.k ?? null,
    body: JSON.parse(item.b) as Json,
    attributes: item.a === undefined ? {} : (JSON.parse(item.a) as Record<string, string>),
    publishedAt: new Date(item.t).toISOString(),
  };
}

/** The log item of a DynamoDB stream record's NewImage, or null for head counters and anything else. */
export function logItemFromStreamImage(image: Record<string, AttributeValue> | undefined): LogItem | null {
  if (image === undefined) return null;
  const item = unmarshall(image);
  return isMessageItem(item) ? item : null;
}
