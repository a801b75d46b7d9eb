import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { StorageError } from '../../domain/errors.js';
import { storedMessageBytes } from '../../domain/messageSize.js';
import type { Json, Message } from '../../domain/types.js';
import type { LogEntry } from '../../ports/MessageLog.js';
import { BATCH_CODEC, compressBatch, decompressBatch, type LogCompression } from './batchCompression.js';

/** One message inside a record batch. Attribute names are short: every byte is paid for on each write and stream read. */
export interface BatchedMessage {
  readonly i: string;
  /** Message key, absent when null. */
  readonly k?: string;
  /** Body as JSON text. */
  readonly b: string;
  /** Attributes as JSON text, absent when empty. */
  readonly a?: string;
}

/**
 * A record batch, as Kafka stores its log: the consecutive messages of one
 * partition that one append wrote, in one item keyed by the first offset.
 * Offsets `o … o + n − 1` belong to it. DynamoDB bills a write per KB of the
 * item, not per message, so a publish of ten 1 KiB messages to a partition
 * is one write of 11 KB instead of ten writes of 2 KB. The partition's head
 * (see partitionHead.ts) lives in the same partition key at offset -1
 * (`HEAD_OFFSET`).
 *
 * This is the batch as code sees it. As stored (`toStoredBatch`), its
 * messages are either the list `m` or, when that is smaller, `z`: the list's
 * JSON text compressed with the codec named in `c` (batchCompression.ts).
 */
export interface BatchItem {
  /** Partition key: `names.partitionKey(topic, partition)`. */
  readonly p: string;
  /** Offset of the first message. */
  readonly o: number;
  /** How many messages the batch holds. */
  readonly n: number;
  /** Topic name (the key `p` also holds the topic's incarnation). */
  readonly tp: string;
  /** Topic creation time, RFC 3339: which incarnation of the topic this is. */
  readonly tc: string;
  readonly part: number;
  /** Publish time of every message in the batch, epoch ms. */
  readonly t: number;
  /** Expiry for DynamoDB TTL, epoch seconds (publish time + retention). */
  readonly ttl: number;
  readonly m: readonly BatchedMessage[];
  /** A token of the write that put the batch, so that a writer whose put was retried recognises its own batch. */
  readonly w?: string;
}

/**
 * The attributes by which a stream record's NewImage is a log item the relay
 * takes: `n` (a number) of a record batch, `id` (a string) of a message item
 * of the layout before record batches. The head has neither. The stack's event
 * source mapping filters on them (infra/constructs/Functions.ts).
 */
export const RELAYED_IMAGE_ATTRIBUTES = { batch: { name: 'n', type: 'N' }, message: { name: 'id', type: 'S' } } as const;

export const HEAD_OFFSET = -1;

/** DynamoDB refuses items over 400 KB; a batch is closed before this many bytes of messages (a single message always fits: they are at most 256 KiB). */
export const MAX_BATCH_BYTES = 350_000;

/** What each message adds to an item besides its strings: a list element (1), a map (3), and per attribute its one-letter name and a byte. */
const MESSAGE_OVERHEAD_BYTES = 4 + 4 * 2;
/** What the list `m` adds to an item besides its elements: its name and DynamoDB's 3 bytes for a list. */
const LIST_OVERHEAD_BYTES = 1 + 3;

/** A log entry as it goes into a batch, with the bytes it adds to the item (DynamoDB's size of the stored strings: attributes as JSON text, escapes and all). */
export function toBatchedMessage(entry: LogEntry): { readonly message: BatchedMessage; readonly bytes: number } {
  const b = entry.bodyText ?? JSON.stringify(entry.body);
  const a = Object.keys(entry.attributes).length > 0 ? JSON.stringify(entry.attributes) : undefined;
  const message: BatchedMessage = { i: entry.id, ...(entry.key === null ? {} : { k: entry.key }), b, ...(a === undefined ? {} : { a }) };
  return { message, bytes: storedBytes(message) };
}

/** DynamoDB's size of a batched message in the list `m`. */
function storedBytes(message: BatchedMessage): number {
  return Buffer.byteLength(message.b) + Buffer.byteLength(message.i) + Buffer.byteLength(message.k ?? '') + Buffer.byteLength(message.a ?? '') + MESSAGE_OVERHEAD_BYTES;
}

export interface BatchItemInput {
  /** The writer's token (BatchItem.w). */
  readonly writer?: string;
  readonly partitionKey: string;
  readonly topic: string;
  readonly topicCreatedAt: string;
  readonly partition: number;
  readonly offset: number;
  readonly messages: readonly BatchedMessage[];
  readonly publishedAt: number;
  readonly retentionHours: number;
}

export function toBatchItem(input: BatchItemInput): BatchItem {
  return {
    p: input.partitionKey,
    o: input.offset,
    n: input.messages.length,
    tp: input.topic,
    tc: input.topicCreatedAt,
    part: input.partition,
    t: input.publishedAt,
    ttl: Math.ceil((input.publishedAt + input.retentionHours * 3_600_000) / 1000),
    m: input.messages,
    ...(input.writer === undefined ? {} : { w: input.writer }),
  };
}

/** A record batch as DynamoDB holds it: its messages as the list `m`, or deflated into `z` with the codec named in `c`. */
export type StoredBatch = Omit<BatchItem, 'm'> & ({ readonly m: readonly BatchedMessage[] } | { readonly c: typeof BATCH_CODEC; readonly z: Uint8Array });

/**
 * The batch as it is written: its messages as the list `m`, or, when
 * `compression` allows it and that is smaller, deflated into `z` with the
 * codec in `c`. Either way the item is under DynamoDB's 400 KB: a batch
 * closes at MAX_BATCH_BYTES uncompressed.
 *
 * @example
 * new PutCommand({ TableName: logTable, Item: toStoredBatch(batch), ConditionExpression: 'attribute_not_exists(p)' });
 */
export function toStoredBatch(batch: BatchItem, compression: LogCompression = BATCH_CODEC): StoredBatch {
  if (compression === 'none') return batch;
  const { m, ...rest } = batch;
  const listBytes = LIST_OVERHEAD_BYTES + m.reduce((sum, message) => sum + storedBytes(message), 0);
  const z = compressBatch(JSON.stringify(m), listBytes);
  return z === null ? batch : { ...rest, c: BATCH_CODEC, z };
}

/** A stored record batch (`toStoredBatch`), compressed or not, as opposed to the head or a message item of the old layout. */
function isStoredBatch(item: Record<string, unknown>): boolean {
  return typeof item['o'] === 'number' && item['o'] >= 0 && typeof item['n'] === 'number' && (Array.isArray(item['m']) || item['z'] !== undefined);
}

/**
 * The batch of a compressed item, its messages decompressed when first read:
 * finding a partition's end or the batch that holds an offset reads only `o`,
 * `n` and `t`.
 */
function compressedBatch(item: Record<string, unknown>): BatchItem {
  const { c, z, ...rest } = item;
  let messages: BatchedMessage[] | undefined;
  const where = `log item ${String(item['p'])}@${String(item['o'])}`;
  const decode = (): BatchedMessage[] => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decompressBatch(c, z));
    } catch (error) {
      throw error instanceof StorageError ? error : new StorageError(`the compressed messages of ${where} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    if (!Array.isArray(parsed) || parsed.length !== item['n']) throw new StorageError(`the compressed messages of ${where} are not a list of ${String(item['n'])}`);
    return parsed as BatchedMessage[];
  };
  return Object.defineProperty(rest, 'm', { enumerable: true, get: () => (messages ??= decode()) }) as unknown as BatchItem;
}

/**
 * A log item as a record batch: a batch as stored (compressed messages are
 * decompressed when first read, and throw StorageError then if they cannot
 * be), and a message item of the
 * layout before record batches (one item per message: `o`, `id`, `k`, `b`,
 * `a`, `t` and the topic's fields) as a batch of one, so a table written by
 * an earlier version reads and relays the same. Anything else (the head) is
 * no batch.
 */
export function batchOf(item: Record<string, unknown>): BatchItem | undefined {
  if (isStoredBatch(item)) return Array.isArray(item['m']) ? (item as unknown as BatchItem) : compressedBatch(item);
  const { p, o, id, k, b, a, t, ttl, tp, tc, part } = item;
  if (typeof o !== 'number' || o < 0 || typeof id !== 'string' || typeof b !== 'string') return undefined;
  const message: BatchedMessage = { i: id, ...(typeof k === 'string' ? { k } : {}), b, ...(typeof a === 'string' ? { a } : {}) };
  return { p: String(p), o, n: 1, tp: String(tp), tc: String(tc), part: Number(part), t: Number(t), ttl: Number(ttl), m: [message] };
}

/** The offset after the batch's last message. */
export const batchEnd = (item: Pick<BatchItem, 'o' | 'n'>): number => item.o + item.n;

/** The batch's messages from offset `from` on (at least its first offset), `count` of them at most. */
export function messagesOf(item: BatchItem, from: number = item.o, count: number = item.n): Message[] {
  const publishedAt = new Date(item.t).toISOString();
  const skip = Math.max(0, from - item.o);
  return item.m.slice(skip, skip + count).map((stored, index) => ({
    id: stored.i,
    topic: item.tp,
    partition: item.part,
    offset: Math.max(from, item.o) + index,
    key: stored.k ?? null,
    body: JSON.parse(stored.b) as Json,
    attributes: stored.a === undefined ? {} : (JSON.parse(stored.a) as Record<string, string>),
    publishedAt,
  }));
}

/** storedMessageBytes of a batched message, from its body as stored: bodies are parsed only for the messages a read returns. */
export function batchedMessageBytes(stored: BatchedMessage): number {
  const attributes = stored.a === undefined ? undefined : (JSON.parse(stored.a) as Record<string, string>);
  return storedMessageBytes({ body: null, key: stored.k, id: stored.i, ...(attributes === undefined ? {} : { attributes }) }, stored.b);
}

/** The record batch of a DynamoDB stream record's NewImage (see `batchOf`), or null for the head and anything else. */
export function batchItemFromStreamImage(image: Record<string, AttributeValue> | undefined): BatchItem | null {
  return image === undefined ? null : (batchOf(unmarshall(image)) ?? null);
}
