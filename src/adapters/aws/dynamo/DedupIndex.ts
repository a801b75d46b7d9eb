import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StorageError, TopicNotFoundError } from '../../../domain/errors.js';
import type { Topic } from '../../../domain/types.js';
import type { LogEntry, PublishOutcome } from '../../../ports/MessageLog.js';
import { callAws } from '../awsErrors.js';
import { chunk } from '../batches.js';
import type { AwsResources } from '../resources.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { metaKeys, RELEASE_MARKER_TTL_SECONDS, topicCheck, ttlSeconds, type DedupItem, type ReleaseMarkerItem } from './metaItems.js';
import { deleteAll } from './metaQueries.js';
import { MAX_TRANSACTION_ITEMS, TRANSIENT_REASONS, transact, type TransactItem } from './transactions.js';

/** A stored entry stops counting once `exp` has passed, whether or not TTL has deleted it yet. */
const VACANT = 'attribute_not_exists(pk) OR #exp <= :now';

/**
 * Client-supplied message ids per topic incarnation, remembered for the
 * topic's dedup window in the meta table. An entry is written with a
 * condition that no live entry holds the id, inside the same transaction as
 * the append (`guardFor`), so two racing publishers of one id cannot both
 * win. A failed condition hands back the original's entry (ALL_OLD).
 *
 * @example
 * const dedup = new DedupIndex(clients.dynamo, resources);
 * const [result] = await appender.append(topic, 0, [{ entry, guard: dedup.guardFor(topic, entry, now) }]);
 * const outcome = result?.appended === false ? await dedup.duplicateOf(topic, entry.id, result.stored, now) : undefined;
 */
export class DedupIndex {
  public constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly resources: Pick<AwsResources, 'metaTable'>,
    private readonly retry: BackoffOptions = {},
  ) {}

  /** The conditional Put that remembers an appended entry at its offset (a PartitionAppender guard). */
  public guardFor(topic: Topic, entry: LogEntry, now: number): (offset: number) => TransactItem {
    return (offset) => this.put(topic, entry.id, now, { part: entry.partition, off: offset });
  }

  /**
   * The conditional Put of a released entry's marker (a PartitionAppender
   * guard): it fails when the entry was released before, so a delay-queue
   * message that SQS delivers twice enters the log once. The marker also
   * tells later duplicates of the id where the message went.
   */
  public releaseGuardFor(topic: Topic, entry: LogEntry, now: number): (offset: number) => TransactItem {
    return (offset) => {
      const marker: ReleaseMarkerItem = {
        ...metaKeys.release(topic, entry.id, entry.dueAt),
        part: entry.partition,
        off: offset,
        ttl: ttlSeconds(now) + RELEASE_MARKER_TTL_SECONDS,
      };
      return { Put: { TableName: this.resources.metaTable, Item: marker, ConditionExpression: 'attribute_not_exists(pk)' } };
    };
  }

  /**
   * Remembers delayed entries before they are sent to the timers, in
   * transactions of up to 99 puts plus a check that the topic still exists.
   * Returns the entries that turned out to be duplicates, with the original's
   * stored entry; the others are remembered.
   */
  public async rememberScheduled(topic: Topic, entries: ReadonlyArray<LogEntry & { readonly dueAt: number }>, now: number): Promise<Map<string, Record<string, unknown> | undefined>> {
    const duplicates = new Map<string, Record<string, unknown> | undefined>();
    for (const batch of chunk(entries, MAX_TRANSACTION_ITEMS - 1)) {
      let pending = batch;
      const backoff = new Backoff(this.retry);
      while (pending.length > 0) {
        const items = [topicCheck(this.resources.metaTable, topic), ...pending.map((entry) => this.put(topic, entry.id, now, { sf: entry.dueAt }))];
        const result = await transact(this.dynamo, items, 'remember delayed message ids');
        if (result.committed) break;
        const [topicGone, ...reasons] = result.reasons;
        if (topicGone?.code === 'ConditionalCheckFailed') throw new TopicNotFoundError(topic.name);
        const failed = reasons.filter((reason) => reason.code !== 'None' && reason.code !== 'ConditionalCheckFailed');
        if (failed.some((reason) => !TRANSIENT_REASONS.has(reason.code))) {
          throw new StorageError(`DynamoDB cancelled remembering message ids: ${failed.map((reason) => reason.code).join(', ')}`);
        }
        reasons.forEach((reason, i) => {
          const entry = pending[i];
          if (entry !== undefined && reason.code === 'ConditionalCheckFailed') duplicates.set(entry.id, reason.item);
        });
        pending = pending.filter((entry) => !duplicates.has(entry.id));
        if (failed.length > 0 || reasons.every((reason) => reason.code === 'None')) await backoff.wait('remember delayed message ids');
      }
    }
    return duplicates;
  }

  /** Forgets entries this process just remembered (their send to the timers failed). */
  public forget(topic: Topic, ids: readonly string[]): Promise<void> {
    return deleteAll(this.dynamo, this.resources.metaTable, ids.map((id) => metaKeys.dedup(topic, id)), 'forget message ids');
  }

  /**
   * The original's outcome as a duplicate. A delayed original that is due
   * points at its log position once released (its release marker holds it).
   */
  public async duplicateOf(topic: Topic, id: string, stored: Record<string, unknown> | undefined, now: number): Promise<PublishOutcome> {
    const item = stored ?? (await this.read(metaKeys.dedup(topic, id)));
    if (item === undefined) throw new StorageError(`the dedup entry of ${JSON.stringify(id)} vanished while it was read`);
    const { part, off, sf } = item as Partial<DedupItem>;
    if (part !== undefined && off !== undefined) return { id, partition: part, offset: off, duplicate: true };
    const scheduledFor = sf ?? now;
    if (scheduledFor <= now) {
      const marker = (await this.read(metaKeys.release(topic, id, scheduledFor))) as ReleaseMarkerItem | undefined;
      // A cancelled original never entered the log: the duplicate points at the time it was due.
      if (marker !== undefined && 'part' in marker) return { id, partition: marker.part, offset: marker.off, duplicate: true };
    }
    return { id, scheduledFor, duplicate: true };
  }

  private put(topic: Topic, id: string, now: number, outcome: Pick<DedupItem, 'part' | 'off' | 'sf'>): TransactItem {
    const exp = now + topic.dedupWindowSeconds * 1000;
    const item: DedupItem = { ...metaKeys.dedup(topic, id), exp, ttl: ttlSeconds(exp), ...outcome };
    return {
      Put: {
        TableName: this.resources.metaTable,
        Item: item,
        ConditionExpression: VACANT,
        ExpressionAttributeNames: { '#exp': 'exp' },
        ExpressionAttributeValues: { ':now': now },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private async read(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const { Item } = await callAws('read a dedup entry', () => this.dynamo.send(new GetCommand({ TableName: this.resources.metaTable, Key: key, ConsistentRead: true })));
    return Item;
  }
}
