import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StorageError, TopicNotFoundError } from '../../../domain/errors.js';
import type { Topic } from '../../../domain/types.js';
import type { Clock } from '../../../ports/Clock.js';
import type { LogEntry } from '../../../ports/MessageLog.js';
import { callAws, translateAwsError } from '../awsErrors.js';
import { BATCH_CODEC, type LogCompression } from '../batchCompression.js';
import { batchOf, MAX_BATCH_BYTES, toBatchedMessage, toBatchItem, toStoredBatch, type BatchedMessage, type BatchItem } from '../logItems.js';
import { partitionKey } from '../names.js';
import type { AwsResources } from '../resources.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { metaKeys, topicCheck } from './metaItems.js';
import { headAfter, readEnd, type PartitionHead } from './partitionHead.js';
import { conditionFailureItem, isConditionFailure, MAX_TRANSACTION_ITEMS, TRANSIENT_REASONS, transact, type CancellationReason, type TransactItem } from './transactions.js';

/** An entry to append, and what must be written with it. */
export interface GuardedEntry {
  readonly entry: LogEntry;
  /**
   * A conditional Put (dedup entry, release marker) for the offset the entry
   * gets, written in the same transaction. When its condition fails, the entry
   * is not appended and its result carries the item that stood in the way.
   */
  readonly guard?: (offset: number) => TransactItem;
  /** Unconditional writes that go with the entry into the log (a released message's index items leaving). */
  readonly alongside?: readonly TransactItem[];
}

export type EntryResult =
  | { readonly appended: true; readonly offset: number }
  | { readonly appended: false; readonly stored: Record<string, unknown> | undefined };

interface Pending extends GuardedEntry {
  readonly index: number;
  readonly message: BatchedMessage;
  readonly bytes: number;
}

/** What one attempt to write a batch came to. */
type Attempt =
  | { readonly written: true }
  | {
      readonly written: false;
      /** Entries whose guard failed, with the item that stood in the way: they are settled as not appended. */
      readonly guarded: ReadonlyMap<number, Record<string, unknown> | undefined>;
      /** Whether to try again, and from which end (`undefined`: read the head again). */
      readonly retry: boolean;
      readonly head?: PartitionHead;
    };

/** Items of a transaction besides the entries' guards and what goes alongside: the topic check and the batch. */
const FIXED_ITEMS = 2;
const CONDITION_FAILED = 'ConditionalCheckFailed';
/** How long a process trusts the end it last wrote or saw. Far below the shortest retention (1 h), so the batch at that end, if another writer put one there, cannot have expired and been deleted by TTL. */
const REMEMBERED_END_MS = 60_000;
const REMEMBERED_PARTITIONS = 10_000;

/** Items one entry adds to a transaction: its guard and what goes alongside. */
const extraItems = ({ guard, alongside }: GuardedEntry): number => (guard === undefined ? 0 : 1) + (alongside?.length ?? 0);
const needsTransaction = (entry: GuardedEntry): boolean => extraItems(entry) > 0;

/** How many of `pending` (at least one) go into the next batch: within the item size, and within a transaction's items when one is needed. */
function batchLength(pending: readonly Pending[]): number {
  let bytes = 0;
  let items = FIXED_ITEMS;
  let count = 0;
  for (const entry of pending) {
    if (count > 0 && (bytes + entry.bytes > MAX_BATCH_BYTES || items + extraItems(entry) > MAX_TRANSACTION_ITEMS)) break;
    bytes += entry.bytes;
    items += extraItems(entry);
    count += 1;
  }
  return count;
}

/**
 * Appends entries to one log partition in their order, as record batches
 * (logItems.ts): one item per append and partition, unless a batch passes
 * the item size or a transaction's 100 items.
 *
 * Offsets are claimed by the batch itself: it is written at the partition's
 * end with the condition `attribute_not_exists(p)`. Every batch starts where
 * another one ends, so a writer whose idea of the end is stale finds a batch
 * at that key, and the failed write hands it back (ALL_OLD): the writer tries
 * again at that batch's end, with jittered backoff. Each batch carries its
 * write's token (`w`), so a put that the SDK retried after its first answer
 * was lost recognises its own batch there instead of appending it twice (a
 * transaction has the SDK's ClientRequestToken for that). Offsets are therefore
 * gap-free and unique under any number of concurrent writers, and no reader
 * sees offset n + 1 before n (they are in the same item, or n's item was
 * written first).
 *
 * A batch with no dedup guard and nothing alongside is a single conditional
 * Put (one write unit per KB of the batch); a read of the topic item, made
 * while the first batch is written, answers TopicNotFound when the topic was
 * deleted or created anew (what was written sits under the old incarnation's
 * key, which nothing reads, and the relay drops it). A batch with guards goes
 * into one TransactWriteItems with the topic check, the guards and what goes
 * alongside: a failed guard drops only its entry and the rest are tried again.
 *
 * A process remembers for a minute where it last left each partition, so a
 * publisher that keeps publishing reads nothing before it writes; otherwise it
 * reads the end (`readEnd`: the head item and the last batch).
 *
 * @example
 * const appender = new PartitionAppender(clients.dynamo, resources, clock);
 * const [result] = await appender.append(topic, 0, [{ entry, guard: dedup.guardFor(topic, entry, now) }]);
 * if (result?.appended) console.log(result.offset);
 */
export class PartitionAppender {
  /** The end this process last wrote or saw, per partition, and when. */
  private readonly ends = new Map<string, { readonly head: PartitionHead; readonly at: number }>();

  public constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly resources: Pick<AwsResources, 'logTable' | 'metaTable'>,
    private readonly clock: Clock,
    private readonly retry: BackoffOptions = {},
    /** How batches are stored (LogCompression). */
    private readonly compression: LogCompression = BATCH_CODEC,
  ) {}

  /** One result per entry, in input order. Throws TopicNotFound when the topic was deleted (or re-created) meanwhile. */
  public async append(topic: Topic, partition: number, entries: readonly GuardedEntry[]): Promise<EntryResult[]> {
    const key = partitionKey(topic, partition);
    const results: EntryResult[] = new Array<EntryResult>(entries.length);
    let pending: Pending[] = entries.map((entry, index) => ({ ...entry, index, ...toBatchedMessage(entry.entry) }));
    let head = this.remembered(key);
    // Settled into its error, if any, so that a rejection while batches are still written is not unhandled.
    let topicChecked: Promise<unknown> | undefined;
    const backoff = new Backoff(this.retry);
    while (pending.length > 0) {
      head ??= (await readEnd(this.dynamo, this.resources.logTable, key)).end;
      const chunk = pending.slice(0, batchLength(pending));
      const batch = toBatchItem({
        writer: randomBytes(9).toString('base64url'),
        partitionKey: key,
        topic: topic.name,
        topicCreatedAt: topic.createdAt,
        partition,
        offset: head.next,
        messages: chunk.map((entry) => entry.message),
        publishedAt: Math.max(this.clock.now(), head.lastPublishedAt),
        retentionHours: topic.retentionHours,
      });
      const transactional = chunk.some(needsTransaction);
      if (!transactional) topicChecked ??= this.checkTopic(topic).then(() => undefined, (error: unknown) => error);
      const attempt = transactional ? await this.writeGuarded(topic, batch, chunk) : await this.write(batch);
      if (attempt.written) {
        chunk.forEach((entry, i) => (results[entry.index] = { appended: true, offset: batch.o + i }));
        head = headAfter(batch);
        this.remember(key, head);
        pending = pending.slice(chunk.length);
        backoff.reset();
        continue;
      }
      for (const [index, stored] of attempt.guarded) results[index] = { appended: false, stored };
      pending = pending.filter((entry) => !attempt.guarded.has(entry.index));
      if (!attempt.retry) continue;
      this.ends.delete(key);
      await backoff.wait(`append to ${key}`);
      head = attempt.head;
    }
    const topicError = await topicChecked;
    if (topicError !== undefined) throw topicError;
    return results;
  }

  /** A batch without guards: one conditional Put. */
  private async write(batch: BatchItem): Promise<Attempt> {
    try {
      await this.dynamo.send(new PutCommand(this.claim(batch)));
      return { written: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw translateAwsError(error, `append to ${batch.p}`);
      const found = conditionFailureItem(error);
      // The SDK retried a put whose first answer was lost, and the key holds this very batch.
      if (found?.['w'] === batch.w) return { written: true };
      return { written: false, guarded: new Map(), retry: true, ...endAfter(found) };
    }
  }

  /** A batch with guards: the topic check, the batch, each entry's guard and what goes alongside, in one transaction. */
  private async writeGuarded(topic: Topic, batch: BatchItem, chunk: readonly Pending[]): Promise<Attempt> {
    const items: TransactItem[] = [
      topicCheck(this.resources.metaTable, topic),
      { Put: this.claim(batch) },
    ];
    const owners: Array<{ index: number; guard: boolean }> = [];
    chunk.forEach(({ guard, alongside, index }, i) => {
      if (guard !== undefined) {
        items.push(guard(batch.o + i));
        owners.push({ index, guard: true });
      }
      for (const item of alongside ?? []) {
        items.push(item);
        owners.push({ index, guard: false });
      }
    });
    const result = await transact(this.dynamo, items, `append to ${batch.p}`);
    return result.committed ? { written: true } : this.readCancellation(topic, batch.p, result.reasons, owners);
  }

  /** What a cancelled transaction means: the topic is gone (throw), guards that failed (their entries are settled), and whether to try again from where. */
  private readCancellation(topic: Topic, key: string, reasons: readonly CancellationReason[], owners: ReadonlyArray<{ index: number; guard: boolean }>): Attempt {
    const [topicGone, batchTaken, ...rest] = reasons;
    if (topicGone?.code === CONDITION_FAILED) throw new TopicNotFoundError(topic.name);
    const guarded = new Map<number, Record<string, unknown> | undefined>();
    rest.forEach((reason, i) => {
      const owner = owners[i];
      if (owner?.guard === true && reason.code === CONDITION_FAILED) guarded.set(owner.index, reason.item);
    });
    const unexpected = reasons.filter((reason) => reason.code !== 'None' && reason.code !== CONDITION_FAILED);
    if (unexpected.some((reason) => !TRANSIENT_REASONS.has(reason.code))) {
      throw new StorageError(`DynamoDB cancelled the append to ${key}: ${unexpected.map((reason) => reason.code).join(', ')}`);
    }
    const moved = batchTaken?.code === CONDITION_FAILED;
    const retry = moved || unexpected.length > 0;
    if (!retry && guarded.size === 0) throw new StorageError(`DynamoDB cancelled the append to ${key} without naming a reason`);
    return { written: false, guarded, retry, ...(moved && unexpected.length === 0 ? endAfter(batchTaken.item) : {}) };
  }

  /** The put that claims the batch's offsets: only where no item is yet, handing back the one that is (ALL_OLD). Alone or in a transaction. */
  private claim(batch: BatchItem) {
    return { TableName: this.resources.logTable, Item: toStoredBatch(batch, this.compression), ConditionExpression: 'attribute_not_exists(p)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const;
  }

  /** Throws TopicNotFound unless the topic's item still holds this incarnation. */
  private async checkTopic(topic: Topic): Promise<void> {
    const { Item } = await callAws('check the topic', () =>
      this.dynamo.send(new GetCommand({ TableName: this.resources.metaTable, Key: metaKeys.topic(topic.name), ConsistentRead: true, ProjectionExpression: 'createdAt' })),
    );
    if (Item?.['createdAt'] !== topic.createdAt) throw new TopicNotFoundError(topic.name);
  }

  private remembered(key: string): PartitionHead | undefined {
    const end = this.ends.get(key);
    return end !== undefined && this.clock.now() - end.at < REMEMBERED_END_MS ? end.head : undefined;
  }

  private remember(key: string, head: PartitionHead): void {
    this.ends.delete(key);
    if (this.ends.size >= REMEMBERED_PARTITIONS) this.ends.delete(this.ends.keys().next().value as string);
    this.ends.set(key, { head, at: this.clock.now() });
  }
}

/** Where to try again after a batch found its key taken: after the batch that holds it (handed back by ALL_OLD), or, without it, from the end read again. */
function endAfter(item: Record<string, unknown> | undefined): { head?: PartitionHead } {
  const batch = item === undefined ? undefined : batchOf(item);
  return batch === undefined ? {} : { head: headAfter(batch) };
}
