import type { PartitionStats, Topic } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { LogEntry, MessageLog, PublishOutcome, ReadPage, ReadPosition } from '../../ports/MessageLog.js';
import { translateAwsError } from './awsErrors.js';
import type { LogCompression } from './batchCompression.js';
import type { AwsClients } from './clients.js';
import type { DelayedSender } from './collaborators.js';
import type { BackoffOptions } from './dynamo/backoff.js';
import { DedupIndex } from './dynamo/DedupIndex.js';
import { DelayedIndex } from './dynamo/DelayedIndex.js';
import { PartitionAppender, type GuardedEntry } from './dynamo/PartitionAppender.js';
import { PartitionReader } from './dynamo/PartitionReader.js';
import type { AwsResources } from './resources.js';

export interface DynamoMessageLogOptions {
  /** Retries of an append that lost the race for a partition head. */
  readonly retry?: BackoffOptions;
  /** Most bytes of messages one read returns (ResponseBudget). @default ResponseLimits.bytes.default */
  readonly responseBytes?: number;
  /** How record batches are stored (LogCompression). @default 'deflate' */
  readonly compression?: LogCompression;
}

type DelayedEntry = LogEntry & { readonly dueAt: number };

/** Indexes of `indexes` per partition, each list in input order. */
function byPartition(entries: readonly LogEntry[], indexes: readonly number[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const index of indexes) {
    const partition = entries[index]!.partition;
    groups.set(partition, [...(groups.get(partition) ?? []), index]);
  }
  return groups;
}

/**
 * The ordered log in DynamoDB (see resources.ts for the tables, logItems.ts for
 * its record batches, PartitionAppender.ts for how offsets are claimed,
 * metaItems.ts for dedup entries).
 *
 * Atomicity: a publish is atomic per record batch (one item, or one
 * transaction with its dedup entries), not as a whole: DynamoDB items hold
 * 400 KB and transactions 100 items. Partitions of one request are written
 * concurrently, each in order, batch after batch; if a later batch fails, the
 * earlier ones stay appended and the call throws (a client retry with its own
 * ids is deduplicated). Delayed entries are sent first: when that fails,
 * nothing was appended and their dedup entries are forgotten again. Within one
 * batch, all or nothing, and offsets are gap-free and in commit order under
 * any number of concurrent publishers.
 *
 * @example
 * const log = new DynamoMessageLog(clients, resources, systemClock, delayedSender);
 * const [outcome] = await log.append(topic, [{ id, partition: 0, key: null, body: 'hi', attributes: {}, clientId: false }]);
 * const page = await log.read(topic, 0, { offset: 0 }, 100);
 */
export class DynamoMessageLog implements MessageLog {
  private readonly appender: PartitionAppender;
  private readonly reader: PartitionReader;
  private readonly dedup: DedupIndex;
  private readonly index: DelayedIndex;

  public constructor(
    clients: Pick<AwsClients, 'dynamo'>,
    resources: Pick<AwsResources, 'logTable' | 'metaTable'>,
    private readonly clock: Clock,
    private readonly delayed: DelayedSender,
    options: DynamoMessageLogOptions = {},
  ) {
    this.appender = new PartitionAppender(clients.dynamo, resources, clock, options.retry, options.compression);
    this.reader = new PartitionReader(clients.dynamo, resources.logTable, clock, options.responseBytes);
    this.dedup = new DedupIndex(clients.dynamo, resources, options.retry);
    this.index = new DelayedIndex(clients.dynamo, resources, options.responseBytes, options.retry);
  }

  /**
   * Entries due now are appended; entries with a future `dueAt` go to the
   * DelayedSender once their dedup entries are written. Client ids are
   * remembered for `topic.dedupWindowSeconds` (0: not at all); a repeated id,
   * in this batch or within the window, is answered as a duplicate pointing at
   * the original. Outcomes come back in input order.
   */
  public async append(topic: Topic, entries: readonly LogEntry[]): Promise<PublishOutcome[]> {
    const now = this.clock.now();
    const remembers = (entry: LogEntry): boolean => entry.clientId && topic.dedupWindowSeconds > 0;
    const firstOfId = new Map<string, number>();
    const copies: Array<[copy: number, original: number]> = [];
    const delayed: number[] = [];
    const immediate: number[] = [];
    entries.forEach((entry, index) => {
      const original = remembers(entry) ? firstOfId.get(entry.id) : undefined;
      if (original !== undefined) return void copies.push([index, original]);
      if (remembers(entry)) firstOfId.set(entry.id, index);
      (entry.dueAt !== undefined && entry.dueAt > now ? delayed : immediate).push(index);
    });
    const outcomes = new Array<PublishOutcome>(entries.length);
    await this.schedule(topic, entries, delayed, remembers, now, outcomes);
    await Promise.all([...byPartition(entries, immediate)].map(([partition, indexes]) => this.appendNow(topic, partition, entries, indexes, remembers, now, outcomes)));
    for (const [copy, original] of copies) outcomes[copy] = { ...outcomes[original]!, duplicate: true };
    return outcomes;
  }

  /**
   * Appends entries whose delay is over (the delay-queue consumer calls it).
   * Each entry enters the log at most once: a release marker keyed by its id
   * and due time is written in the same transaction, and an entry whose
   * marker exists already is skipped, so SQS delivering a message twice does
   * not append it twice, and a cancelled message (whose marker the cancel
   * wrote) not at all. The same transaction takes the entry out of the index
   * of delayed messages (DelayedIndex). Partitions are the ones chosen at publish; dedup was
   * settled then too. Throws TopicNotFound when the topic was deleted or
   * re-created since (the entries should then be dropped).
   *
   * Each entry must carry the `dueAt` it was published with: an id may be
   * published (and delayed) again once its dedup window is over, so the
   * marker's key holds both, and a repeated publish of the id finds the
   * released message's offset through that key.
   *
   * @example
   * await log.release(topic, [{ ...entry, dueAt: envelope.dueAt }]);
   */
  public async release(topic: Topic, entries: readonly LogEntry[]): Promise<void> {
    const now = this.clock.now();
    const unique = new Map(entries.map((entry) => [`${entry.dueAt ?? ''}#${entry.id}`, entry]));
    const list = [...unique.values()];
    const groups = byPartition(list, list.map((_, index) => index));
    await Promise.all(
      [...groups].map(([partition, indexes]) =>
        this.appender.append(
          topic,
          partition,
          indexes.map((index): GuardedEntry => ({
            entry: list[index]!,
            guard: this.dedup.releaseGuardFor(topic, list[index]!, now),
            alongside: this.index.releaseItems(topic, list[index]!),
          })),
        ),
      ),
    );
  }

  public read(topic: Topic, partition: number, from: ReadPosition, limit: number): Promise<ReadPage> {
    return this.reader.read(topic, partition, from, limit);
  }

  /** Per partition, in parallel: one query for the head and the first stored message, plus a binary search only inside an expired prefix. */
  public stats(topic: Topic): Promise<PartitionStats[]> {
    return Promise.all(Array.from({ length: topic.partitions }, (_, partition) => this.reader.stats(topic, partition)));
  }

  /**
   * Deletes nothing and returns 0: DynamoDB TTL deletes expired log items and
   * dedup entries by itself (at no write cost), and reads already skip
   * messages whose retention is over. Deleting here would mean scanning every
   * partition on each maintenance pass.
   */
  public async trimExpired(_now: number): Promise<number> {
    return 0;
  }

  private async schedule(
    topic: Topic,
    entries: readonly LogEntry[],
    indexes: readonly number[],
    remembers: (entry: LogEntry) => boolean,
    now: number,
    outcomes: PublishOutcome[],
  ): Promise<void> {
    if (indexes.length === 0) return;
    const waiting = indexes.map((index) => entries[index] as DelayedEntry);
    const duplicates = await this.dedup.rememberScheduled(topic, waiting.filter(remembers), now);
    const isDuplicate = (entry: DelayedEntry): boolean => remembers(entry) && duplicates.has(entry.id);
    const sending = waiting.filter((entry) => !isDuplicate(entry));
    try {
      // Indexed first, so a listing never misses a message that is on its way; it leaves the index when released.
      if (sending.length > 0) await this.index.record(topic, sending, now);
      if (sending.length > 0) await this.delayed.send(topic, sending);
    } catch (error) {
      // The first error is the one to report.
      await Promise.all([this.dedup.forget(topic, sending.filter(remembers).map((entry) => entry.id)), this.index.forget(topic, sending)]).catch(() => undefined);
      throw translateAwsError(error, 'send delayed messages');
    }
    await Promise.all(
      indexes.map(async (index) => {
        const entry = entries[index] as DelayedEntry;
        outcomes[index] = isDuplicate(entry)
          ? await this.dedup.duplicateOf(topic, entry.id, duplicates.get(entry.id), now)
          : { id: entry.id, scheduledFor: entry.dueAt, duplicate: false };
      }),
    );
  }

  private async appendNow(
    topic: Topic,
    partition: number,
    entries: readonly LogEntry[],
    indexes: readonly number[],
    remembers: (entry: LogEntry) => boolean,
    now: number,
    outcomes: PublishOutcome[],
  ): Promise<void> {
    const guarded = indexes.map((index): GuardedEntry => {
      const entry = entries[index]!;
      return remembers(entry) ? { entry, guard: this.dedup.guardFor(topic, entry, now) } : { entry };
    });
    const results = await this.appender.append(topic, partition, guarded);
    await Promise.all(
      results.map(async (result, i) => {
        const index = indexes[i]!;
        const entry = entries[index]!;
        outcomes[index] = result.appended
          ? { id: entry.id, partition, offset: result.offset, duplicate: false }
          : await this.dedup.duplicateOf(topic, entry.id, result.stored, now);
      }),
    );
  }
}
