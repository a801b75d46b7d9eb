import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Attributes, Json, Message } from '../../../domain/types.js';
import { filterable } from '../../../routing/filterable.js';

/** `source` of every event the stream relay puts on the bus. */
export const EVENT_SOURCE = 'conveyor';

/**
 * A log message as a subscription queue carries it: the body of what the relay
 * sends to an ordered subscription's FIFO queue, of what the unpacker sends to
 * an unordered one's, of requeued and redriven copies, each message of a pack,
 * and the `detail` of the event a subscription created before packs gets
 * from its rule.
 *
 * The fields a filter sees (`key`, `attributes`, `body`: SubscriptionMatcher's
 * input) sit apart under `filterable`, and such a rule matches
 * `detail.filterable`: a filter that names `id` or `offset` then matches
 * nothing on EventBridge, exactly as it matches nothing in SubscriptionMatcher.
 */
export interface QueuedMessage {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly publishedAt: string;
  /** As SubscriptionMatcher sees a message (`filterable()`): no `key` or `attributes` when the message has none. */
  readonly filterable: {
    readonly key?: string;
    readonly attributes?: Attributes;
    readonly body: Json;
  };
}

export function toQueuedMessage(message: Message): QueuedMessage {
  return {
    id: message.id,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    publishedAt: message.publishedAt,
    filterable: filterable(message),
  };
}

export function encodeQueuedMessage(message: Message): string {
  return sqsJson(toQueuedMessage(message));
}

/**
 * JSON text that SQS accepts as a message body. JSON escapes control
 * characters and lone surrogates already; U+FFFE and U+FFFF, which SQS refuses
 * in a message, can only sit inside JSON strings, so they are escaped too.
 */
export function sqsJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\uFFFE\uFFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

/** Whether sqsJson text holds U+FFFE or U+FFFF (escaped): a service that parses and writes it again may hand them on raw, which SQS refuses. */
export function holdsSqsEscapes(text: string): boolean {
  return /\\uff(fe|ff)/i.test(text);
}

/**
 * The log message in an SQS message body: the whole EventBridge event (what a
 * rule target without InputPath receives) or the queued message itself. Null
 * for anything else, which no Conveyor code sends.
 */
export function decodeQueueBody(text: string): Message | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const candidate = isObject(parsed) && parsed['source'] === EVENT_SOURCE && 'detail' in parsed ? parsed['detail'] : parsed;
  return fromQueuedMessage(candidate);
}

function fromQueuedMessage(value: unknown): Message | null {
  if (!isObject(value) || !isObject(value['filterable'])) return null;
  const { id, topic, partition, offset, publishedAt } = value;
  const { key, attributes, body } = value['filterable'];
  const valid =
    typeof id === 'string' &&
    typeof topic === 'string' &&
    Number.isInteger(partition) &&
    Number.isInteger(offset) &&
    typeof publishedAt === 'string' &&
    // Absent since keyless messages present no key to filters; null in copies queued before that.
    (key === undefined || key === null || typeof key === 'string') &&
    (attributes === undefined || (isObject(attributes) && Object.values(attributes).every((attribute) => typeof attribute === 'string'))) &&
    body !== undefined;
  if (!valid) return null;
  return {
    id,
    topic,
    partition: partition as number,
    offset: offset as number,
    key: key ?? null,
    body: body as Json,
    attributes: (attributes ?? {}) as Attributes,
    publishedAt,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SQS message attributes of a dead letter: what the DeadLetter fields need beyond the message. */
export const DeadLetterAttribute = {
  attempts: 'conveyor.attempts',
  deadLetteredAt: 'conveyor.deadLetteredAt',
  lastError: 'conveyor.lastError',
} as const;

export interface DeadLetterInfo {
  readonly attempts: number;
  /** Epoch ms. */
  readonly deadLetteredAt: number;
  readonly lastError: string | null;
}

export function deadLetterAttributes(info: DeadLetterInfo): Record<string, MessageAttributeValue> {
  return {
    [DeadLetterAttribute.attempts]: { DataType: 'Number', StringValue: String(info.attempts) },
    [DeadLetterAttribute.deadLetteredAt]: { DataType: 'Number', StringValue: String(info.deadLetteredAt) },
    // SQS refuses empty attribute values, so an absent reason is an absent attribute.
    ...(info.lastError === null || info.lastError === '' ? {} : { [DeadLetterAttribute.lastError]: { DataType: 'String', StringValue: info.lastError } }),
  };
}

/**
 * What a dead letter's attributes say, or `fallback` for what they do not: a
 * message SQS's own redrive moved (a safety net behind Conveyor's moves) has
 * none of them.
 */
export function readDeadLetterInfo(attributes: Readonly<Record<string, MessageAttributeValue>>, fallback: DeadLetterInfo): DeadLetterInfo {
  const number = (name: string): number | undefined => {
    const value = Number(attributes[name]?.StringValue);
    return Number.isFinite(value) && attributes[name]?.StringValue !== undefined ? value : undefined;
  };
  return {
    attempts: number(DeadLetterAttribute.attempts) ?? fallback.attempts,
    deadLetteredAt: number(DeadLetterAttribute.deadLetteredAt) ?? fallback.deadLetteredAt,
    lastError: attributes[DeadLetterAttribute.lastError]?.StringValue ?? fallback.lastError,
  };
}
