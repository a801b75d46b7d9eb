import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ResponseLimits } from '../../../domain/constants.js';
import { storedMessageBytes } from '../../../domain/messageSize.js';
import { ResponseBudget } from '../../../domain/ResponseBudget.js';
import type { PartitionStats, Topic } from '../../../domain/types.js';
import type { Clock } from '../../../ports/Clock.js';
import type { ReadPage, ReadPosition } from '../../../ports/MessageLog.js';
import { callAws } from '../awsErrors.js';
import { fromLogItem, HEAD_OFFSET, isMessageItem, type LogItem } from '../logItems.js';
import { partitionKey } from '../names.js';
import { firstTrue } from './binarySearch.js';
import { headFromItem, readHead, type PartitionHead } from './headCounter.js';

/**
 * Reads one log partition with consistent reads, as the embedded log does:
 * `nextOffset` is the offset after the last message returned, or the start
 * position (clamped to the retained range and the head) when none is. A read
 * stops adding messages at the byte budget (ResponseBudget), and queries no
 * further page once it is spent: `nextOffset` then says where to continue.
 *
 * Retention: DynamoDB TTL deletes expired items late (up to days after), and
 * the emulator never does, so messages whose retention is over
 * (`publishedAt + retentionHours ≤ now`, on the injected clock) are skipped
 * here as if gone. Publish times never decrease along a partition (see
 * headCounter.ts), so the expired and TTL-deleted messages are always the
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

  /** One query returns the head (offset -1) and the first message still stored. */
  public async stats(topic: Topic, partition: number): Promise<PartitionStats> {
    const key = partitionKey(topic, partition);
    const now = this.clock.now();
    const [headItem, first] = await this.query(key, HEAD_OFFSET, 2);
    const head = headFromItem(headItem?.o === HEAD_OFFSET ? { ...headItem } : undefined);
    const oldest = first === undefined ? head.next : await this.oldestRetained(topic, key, head, first, now);
    return { partition, oldestOffset: oldest, nextOffset: head.next };
  }

  private async readFrom(topic: Topic, key: string, offset: number, limit: number): Promise<ReadPage> {
    const now = this.clock.now();
    const start = Math.max(0, offset);
    const [head, page] = await Promise.all([readHead(this.dynamo, this.logTable, key), this.query(key, start, limit, new ResponseBudget(this.responseBytes))]);
    const retainedAt = page.findIndex((item) => this.isRetained(topic, item, now));
    if (retainedAt === 0) return toPage(page, head);
    // The page starts inside the expired prefix: continue from the oldest retained message.
    const last = page.at(-1);
    if (last === undefined) return toPage([], head);
    const oldest = page[retainedAt]?.o ?? (await this.oldestRetained(topic, key, head, last, now));
    if (retainedAt < 0 && oldest >= head.next) return toPage([], head);
    return toPage(await this.query(key, oldest, limit, new ResponseBudget(this.responseBytes)), head);
  }

  /**
   * First retained offset at or after `first` (a stored message): `first` itself
   * when retained, the head when the newest message has expired too, else a
   * binary search over the offsets between.
   */
  private async oldestRetained(topic: Topic, key: string, head: PartitionHead, first: LogItem, now: number): Promise<number> {
    if (this.isRetained(topic, first, now)) return first.o;
    if (!this.isRetained(topic, { t: head.lastPublishedAt }, now)) return head.next;
    return firstTrue(first.o + 1, head.next, async (offset) => {
      const item = await this.get(key, offset);
      return item !== undefined && this.isRetained(topic, item, now);
    });
  }

  /** First offset published at or after `time`, or the head. Offsets already deleted count as earlier: they expired. */
  private async firstAtOrAfter(key: string, time: number): Promise<number> {
    const head = await readHead(this.dynamo, this.logTable, key);
    if (head.lastPublishedAt < time) return head.next;
    return firstTrue(0, head.next, async (offset) => ((await this.get(key, offset))?.t ?? -Infinity) >= time);
  }

  private isRetained(topic: Topic, item: Pick<LogItem, 't'>, now: number): boolean {
    return item.t + topic.retentionHours * 3_600_000 > now;
  }

  private async get(key: string, offset: number): Promise<LogItem | undefined> {
    const { Item } = await callAws('read a log message', () =>
      this.dynamo.send(new GetCommand({ TableName: this.logTable, Key: { p: key, o: offset }, ConsistentRead: true })),
    );
    return Item !== undefined && isMessageItem(Item) ? Item : undefined;
  }

  /**
   * Up to `limit` items from offset `from` on, in offset order, across as many
   * 1 MB query pages as that takes; with a budget, only the messages it admits:
   * the rest of the page that filled it is dropped and no further page is read.
   */
  private async query(key: string, from: number, limit: number, budget?: ResponseBudget): Promise<LogItem[]> {
    const items: LogItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    let spent = false;
    do {
      const page = await callAws('read a log partition', () =>
        this.dynamo.send(
          new QueryCommand({
            TableName: this.logTable,
            KeyConditionExpression: 'p = :p AND o >= :from',
            ExpressionAttributeValues: { ':p': key, ':from': from },
            ConsistentRead: true,
            Limit: limit - items.length,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of (page.Items ?? []) as LogItem[]) {
        // The head counter (offset -1) is no message: it costs nothing.
        spent = budget !== undefined && item.o !== HEAD_OFFSET && !budget.admit(storedItemBytes(item));
        if (spent) break;
        items.push(item);
      }
      startKey = page.LastEvaluatedKey;
    } while (!spent && startKey !== undefined && items.length < limit);
    return items;
  }
}

/** storedMessageBytes of a log item, from its body as stored: the body is parsed only for the messages a read returns. */
function storedItemBytes(item: LogItem): number {
  const attributes = item.a === undefined ? undefined : (JSON.parse(item.a) as Record<string, string>);
  return storedMessageBytes({ body: null, key: item.k, id: item.id, ...(attributes === undefined ? {} : { attributes }) }, item.b);
}

function toPage(items: readonly LogItem[], head: PartitionHead): ReadPage {
  const messages = items.filter((item) => item.o >= 0).map(fromLogItem);
  const last = messages.at(-1);
  return { messages, nextOffset: last === undefined ? head.next : last.offset + 1 };
}
