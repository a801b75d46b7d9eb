import { BatchWriteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ResponseLimits } from '../../../domain/constants.js';
import { decodeCursor, encodeCursor, topicScope } from '../../../domain/cursor.js';
import { StorageError } from '../../../domain/errors.js';
import { storedMessageBytes } from '../../../domain/messageSize.js';
import { ResponseBudget } from '../../../domain/ResponseBudget.js';
import type { DelayedMessage, DelayedPage, Json, Topic } from '../../../domain/types.js';
import type { LogEntry } from '../../../ports/MessageLog.js';
import { callAws } from '../awsErrors.js';
import { sendWithPartialRetry } from '../batches.js';
import type { AwsResources } from '../resources.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { deleteAll, queryAll } from './metaQueries.js';
import { DUE_DIGITS, metaKeys, RELEASE_MARKER_TTL_SECONDS, ttlSeconds, type DelayedIdItem, type DelayedMessageItem, type MetaKey, type ReleaseMarkerItem } from './metaItems.js';
import { TRANSIENT_REASONS, transact, type TransactItem } from './transactions.js';

/** A delayed entry as publishing hands it to the timers. */
export type DelayedEntry = LogEntry & { readonly dueAt: number };

/** A waiting message as the index knows it: enough to cancel it, and to name its one-time schedule. */
export interface WaitingEntry extends DelayedEntry {
  /** When it was published, epoch ms. */
  readonly publishedAt: number;
}

const CURSOR = new RegExp(`^\\d{${DUE_DIGITS}}#`);
const iso = (epochMs: number): string => new Date(epochMs).toISOString();
/** Index items outlive their due time by a day: one never released (its envelope lost) stops being listed then. */
const expiresAt = (dueAt: number): number => ttlSeconds(dueAt) + RELEASE_MARKER_TTL_SECONDS;

/**
 * The index of a topic's delayed messages in the meta table (metaItems.ts):
 * per message one item in due order, with its content, for listings, and one
 * by id, for cancels and counts. SQS's delay queue and Scheduler's one-time
 * schedules, which carry the messages, can neither be listed nor changed.
 *
 * A message is indexed before its envelope is sent, and leaves the index in
 * the very transaction that appends it to the log (`releaseItems`, beside its
 * release marker), so the index holds exactly what waits. A cancel writes the
 * message's release marker itself, marked cancelled, under the condition that
 * none exists, in one transaction with the index items' deletes: a release
 * and a cancel of one message are then the same conditional write, and only
 * one of them can succeed. The envelope still arrives, and its release skips it.
 *
 * @example
 * const index = new DelayedIndex(clients.dynamo, resources);
 * await index.record(topic, entries, now);
 * const page = await index.list(topic, null, 100, now);
 */
export class DelayedIndex {
  public constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly resources: Pick<AwsResources, 'metaTable'>,
    /** Bytes of messages one listing returns at most (ResponseBudget). */
    private readonly responseBytes: number = ResponseLimits.bytes.default,
    private readonly retry: BackoffOptions = {},
  ) {}

  /** Indexes the entries (BatchWriteItem, 25 items a call). */
  public async record(topic: Topic, entries: readonly DelayedEntry[], now: number): Promise<void> {
    const puts = entries.flatMap((entry) => [this.messageItem(topic, entry, now), this.idItem(topic, entry, now)]).map((Item) => ({ PutRequest: { Item } }));
    await sendWithPartialRetry(puts, 25, 'index delayed messages', async (batch) => {
      const { UnprocessedItems } = await callAws('index delayed messages', () => this.dynamo.send(new BatchWriteCommand({ RequestItems: { [this.table]: batch } })));
      return (UnprocessedItems?.[this.table] ?? []) as typeof batch;
    });
  }

  /** Removes the entries from the index again (their envelopes could not be sent). */
  public forget(topic: Topic, entries: readonly DelayedEntry[]): Promise<void> {
    const keys = entries.flatMap((entry) => [metaKeys.delayedMessage(topic, entry.id, entry.dueAt), metaKeys.delayedId(topic, entry.id, entry.dueAt)]);
    return deleteAll(this.dynamo, this.table, keys, 'forget delayed messages');
  }

  /** The deletes that take a released entry out of the index, for the transaction that appends it. */
  public releaseItems(topic: Topic, entry: { readonly id: string; readonly dueAt?: number }): TransactItem[] {
    if (entry.dueAt === undefined) return [];
    return [metaKeys.delayedMessage(topic, entry.id, entry.dueAt), metaKeys.delayedId(topic, entry.id, entry.dueAt)].map((Key) => ({ Delete: { TableName: this.table, Key } }));
  }

  /**
   * Up to `limit` waiting messages in due order after `cursor`, stopping at the
   * byte budget (the first always comes). Queries ask for one more than they
   * return, so `nextCursor` is null exactly when nothing follows.
   */
  public async list(topic: Topic, cursor: string | null, limit: number, now: number): Promise<DelayedPage> {
    const after = cursor === null ? undefined : decodeCursor(cursor, topicScope(topic), (value) => (typeof value === 'string' && CURSOR.test(value) ? value : null));
    const pk = metaKeys.delayedMessages(topic);
    const budget = new ResponseBudget(this.responseBytes);
    const messages: DelayedMessage[] = [];
    let lastKey: string | undefined;
    let startKey: Record<string, unknown> | undefined = after === undefined ? undefined : { pk, sk: after };
    for (;;) {
      const page = await callAws('list delayed messages', () =>
        this.dynamo.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: '#ttl > :now',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':pk': pk, ':now': ttlSeconds(now) },
            ConsistentRead: true,
            Limit: limit + 1 - messages.length,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        ),
      );
      for (const item of (page.Items ?? []) as DelayedMessageItem[]) {
        const message = toDelayedMessage(topic.name, item);
        if (messages.length === limit || !budget.admit(storedMessageBytes(message, item.body))) return { messages, nextCursor: lastKey === undefined ? null : encodeCursor(topicScope(topic), lastKey) };
        messages.push(message);
        lastKey = item.sk;
      }
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) return { messages, nextCursor: null };
    }
  }

  /** Waiting messages of the topic, counted on the small by-id items. */
  public async count(topic: Topic, now: number): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await callAws('count delayed messages', () =>
        this.dynamo.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: '#ttl > :now',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':pk': metaKeys.delayedIds(topic), ':now': ttlSeconds(now) },
            Select: 'COUNT',
            ConsistentRead: true,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        ),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return count;
  }

  /** The messages of this id that wait now, with their content. */
  public async waiting(topic: Topic, id: string): Promise<WaitingEntry[]> {
    const found = (await queryAll(
      this.dynamo,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :id)',
        ExpressionAttributeValues: { ':pk': metaKeys.delayedIds(topic), ':id': `${id}#` },
        ConsistentRead: true,
      },
      'find a delayed message',
    )) as unknown as DelayedIdItem[];
    const entries = await Promise.all(found.filter((item) => item.id === id).map((item) => this.read(metaKeys.delayedMessage(topic, id, item.dueAt))));
    return entries.filter((item): item is DelayedMessageItem => item !== undefined).map(toWaitingEntry);
  }

  /**
   * Cancels one waiting message: its release marker, marked cancelled, under
   * the condition that none exists, and the deletes of its index items, in one
   * transaction. False when it was released (or cancelled) first.
   */
  public async cancel(topic: Topic, entry: DelayedEntry, now: number): Promise<boolean> {
    const marker: ReleaseMarkerItem = { ...metaKeys.release(topic, entry.id, entry.dueAt), cancelled: true, ttl: ttlSeconds(Math.max(now, entry.dueAt)) + RELEASE_MARKER_TTL_SECONDS };
    const items: TransactItem[] = [{ Put: { TableName: this.table, Item: marker, ConditionExpression: 'attribute_not_exists(pk)' } }, ...this.releaseItems(topic, entry)];
    const backoff = new Backoff(this.retry);
    for (;;) {
      const result = await transact(this.dynamo, items, 'cancel a delayed message');
      if (result.committed) return true;
      const [released, ...rest] = result.reasons;
      if (released?.code === 'ConditionalCheckFailed') return false;
      const failed = result.reasons.filter((reason) => reason.code !== 'None');
      if (!failed.every((reason) => TRANSIENT_REASONS.has(reason.code))) {
        throw new StorageError(`DynamoDB cancelled the cancel of delayed message ${JSON.stringify(entry.id)}: ${[released, ...rest].map((reason) => reason?.code).join(', ')}`);
      }
      await backoff.wait('cancel a delayed message');
    }
  }

  private get table(): string {
    return this.resources.metaTable;
  }

  private messageItem(topic: Topic, entry: DelayedEntry, now: number): DelayedMessageItem {
    const attributes = Object.keys(entry.attributes).length === 0 ? {} : { attrs: JSON.stringify(entry.attributes) };
    return {
      ...metaKeys.delayedMessage(topic, entry.id, entry.dueAt),
      id: entry.id,
      part: entry.partition,
      ...(entry.key === null ? {} : { key: entry.key }),
      body: JSON.stringify(entry.body),
      ...attributes,
      dueAt: entry.dueAt,
      pub: now,
      ttl: expiresAt(entry.dueAt),
    };
  }

  private idItem(topic: Topic, entry: DelayedEntry, now: number): DelayedIdItem {
    return { ...metaKeys.delayedId(topic, entry.id, entry.dueAt), id: entry.id, dueAt: entry.dueAt, pub: now, ttl: expiresAt(entry.dueAt) };
  }

  private async read(key: MetaKey): Promise<DelayedMessageItem | undefined> {
    const { Item } = await callAws('read a delayed message', () => this.dynamo.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true })));
    return Item as DelayedMessageItem | undefined;
  }
}

function toDelayedMessage(topic: string, item: DelayedMessageItem): DelayedMessage {
  return {
    id: item.id,
    topic,
    partition: item.part,
    key: item.key ?? null,
    body: JSON.parse(item.body) as Json,
    attributes: item.attrs === undefined ? {} : (JSON.parse(item.attrs) as Record<string, string>),
    deliverAt: iso(item.dueAt),
    publishedAt: iso(item.pub),
  };
}

function toWaitingEntry(item: DelayedMessageItem): WaitingEntry {
  const message = toDelayedMessage('', item);
  return { id: item.id, partition: item.part, key: message.key, body: message.body, attributes: message.attributes, clientId: false, dueAt: item.dueAt, publishedAt: item.pub };
}
