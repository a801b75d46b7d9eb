import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ResponseLimits } from '../../../domain/constants.js';
import { ResponseBudget } from '../../../domain/ResponseBudget.js';
import type { Message, PartitionStats, Topic } from '../../../domain/types.js';
import type { Clock } from '../../../ports/Clock.js';
import type { ReadPage, ReadPosition } from '../../../ports/MessageLog.js';
import { callAws } from '../awsErrors.js';
import { batchedMessageBytes, batchEnd, batchOf, messagesOf, type BatchItem } from '../logItems.js';
import { partitionKey } from '../names.js';
import { firstTrue } from './binarySearch.js';
import { lastBatchAtOrBefore, readEnd, type PartitionHead } from './partitionHead.js';

/**
 * Reads one log partition of record batches (logItems.ts) with consistent
 * reads, as the embedded log does: `nextOffset` is the offset after the last
 * message returned, or the start position (clamped to the retained range and
 * the end) when none is. A read stops adding messages at the byte budget
 * (ResponseBudget), and queries no further page once it is spent: `nextOffset`
 * then says where to continue.
 *
 * A read first reads where the partition ends (the head item and the last
 * batch), then finds the batch that holds its start offset x: the last batch
 * when x is in it, else the last batch keyed at or before x (one query,
 * newest first, limit 1).
 *
 * Retention: DynamoDB TTL deletes expired items late (up to days after), and
 * the emulator never does, so batches whose retention is over
 * (`publishedAt + retentionHours ≤ now`, on the injected clock) are skipped
 * here as if gone. Publish times never decrease along a partition (see
 * partitionHead.ts), so the expired and TTL-deleted batches are always the
 * oldest prefix of it: the first retained offset is found by binary search.
 *
 * @example
 * const reader = new PartitionReader(clients.dynamo, resources.logTable, clock);
 * const { messages, nextOffset } = await reader.read(topic, 0, { time: Date.parse('2026-05-01T12:00:00Z') }, 100);
 */
export class PartitionReader {
  public constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly logTable: string,
    private readonly clock: Clock,
    /** Bytes of messages one read returns at most. */
    private readonly responseBytes: number = ResponseLimits.bytes.default,
  ) {}

  public async read(topic: Topic, partition: number, from: ReadPosition, limit: number): Promise<ReadPage> {
    const key = partitionKey(topic, partition);
    if ('time' in from) return this.readFrom(topic, key, await this.firstAtOrAfter(key, from.time), limit);
    return this.readFrom(topic, key, 'offset' in from ? from.offset : 0, limit);
  }

  /** The end and the first batch, in parallel; a binary search only inside an expired prefix. */
  public async stats(topic: Topic, partition: number): Promise<PartitionStats> {
    const key = partitionKey(topic, partition);
    const now = this.clock.now();
    const [{ end }, [first]] = await Promise.all([readEnd(this.dynamo, this.logTable, key), this.query(key, 0, 1)]);
    const oldest = first === undefined ? end.next : await this.oldestRetained(topic, key, end, first, now);
    return { partition, oldestOffset: oldest, nextOffset: end.next };
  }

  private async readFrom(topic: Topic, key: string, offset: number, limit: number): Promise<ReadPage> {
    const now = this.clock.now();
    const start = Math.max(0, offset);
    // The end first: every offset before it was written by then, so nothing this read skips can be a batch written since.
    const { end, last } = await readEnd(this.dynamo, this.logTable, key);
    if (start >= end.next) return { messages: [], nextOffset: end.next };
    const holder = last !== undefined && last.o <= start ? last : await this.lastAtOrBefore(key, start);
    const [first] = holder !== undefined && start < batchEnd(holder) ? [holder] : await this.query(key, start, 1);
    // Every batch from `start` to the end has expired and TTL has deleted it.
    if (first === undefined) return { messages: [], nextOffset: end.next };
    if (this.isRetained(topic, first, now)) return this.collect(key, first, start, limit);
    // The read starts inside the expired prefix: continue from the oldest retained message.
    const oldest = await this.oldestRetained(topic, key, end, first, now);
    if (oldest >= end.next) return { messages: [], nextOffset: end.next };
    const retained = await this.holding(key, oldest);
    return retained === undefined ? { messages: [], nextOffset: oldest } : this.collect(key, retained, oldest, limit);
  }

  /** Up to `limit` messages from offset `from` on, starting in `first` (the batch that holds `from`, or the first one after it) and reading on batch by batch within the budget. */
  private async collect(key: string, first: BatchItem, from: number, limit: number): Promise<ReadPage> {
    const budget = new ResponseBudget(this.responseBytes);
    const messages: Message[] = [];
    let spent = false;
    const take = (batch: BatchItem): void => {
      const start = Math.max(from, batch.o);
      let count = 0;
      while (count < batch.n - (start - batch.o) && messages.length + count < limit) {
        spent = !budget.admit(batchedMessageBytes(batch.m[start - batch.o + count]!));
        if (spent) break;
        count += 1;
      }
      messages.push(...messagesOf(batch, start, count));
    };
    take(first);
    let next = batchEnd(first);
    let startKey: Record<string, unknown> | undefined;
    while (!spent && messages.length < limit) {
      const page = await this.queryPage(key, next, limit - messages.length, startKey);
      for (const batch of page.items) {
        take(batch);
        if (spent || messages.length >= limit) break;
      }
      startKey = page.lastKey;
      if (startKey === undefined) break;
    }
    const last = messages.at(-1);
    return { messages, nextOffset: last === undefined ? Math.max(from, first.o) : last.offset + 1 };
  }

  /**
   * First retained offset at or after `first` (a stored batch): `first`'s own
   * when retained, the end when the last batch has expired too, else a binary
   * search over the offsets between.
   */
  private async oldestRetained(topic: Topic, key: string, end: PartitionHead, first: BatchItem, now: number): Promise<number> {
    if (this.isRetained(topic, first, now)) return first.o;
    if (!this.isRetained(topic, { t: end.lastPublishedAt }, now)) return end.next;
    return firstTrue(batchEnd(first), end.next, async (offset) => {
      const batch = await this.holding(key, offset);
      return batch !== undefined && this.isRetained(topic, batch, now);
    });
  }

  /** First offset published at or after `time`, or the end. Offsets already deleted count as earlier: they expired. */
  private async firstAtOrAfter(key: string, time: number): Promise<number> {
    const { end } = await readEnd(this.dynamo, this.logTable, key);
    if (end.lastPublishedAt < time) return end.next;
    return firstTrue(0, end.next, async (offset) => ((await this.holding(key, offset))?.t ?? -Infinity) >= time);
  }

  private isRetained(topic: Topic, batch: Pick<BatchItem, 't'>, now: number): boolean {
    return batch.t + topic.retentionHours * 3_600_000 > now;
  }

  /** The batch that holds `offset`, if it is stored. */
  private async holding(key: string, offset: number): Promise<BatchItem | undefined> {
    const batch = await this.lastAtOrBefore(key, offset);
    return batch !== undefined && offset < batchEnd(batch) ? batch : undefined;
  }

  private lastAtOrBefore(key: string, offset?: number): Promise<BatchItem | undefined> {
    return lastBatchAtOrBefore(this.dynamo, this.logTable, key, offset);
  }

  /** Up to `limit` batches keyed from `from` on, in offset order (one query page). */
  private async query(key: string, from: number, limit: number): Promise<BatchItem[]> {
    return (await this.queryPage(key, from, limit)).items;
  }

  private async queryPage(key: string, from: number, limit: number, startKey?: Record<string, unknown>): Promise<{ items: BatchItem[]; lastKey?: Record<string, unknown> }> {
    const page = await callAws('read a log partition', () =>
      this.dynamo.send(
        new QueryCommand({
          TableName: this.logTable,
          KeyConditionExpression: 'p = :p AND o >= :from',
          ExpressionAttributeValues: { ':p': key, ':from': Math.max(0, from) },
          ConsistentRead: true,
          Limit: limit,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    const items = (page.Items ?? []).flatMap((item) => batchOf(item) ?? []);
    return { items, ...(page.LastEvaluatedKey === undefined ? {} : { lastKey: page.LastEvaluatedKey }) };
  }
}
