import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StorageError, TopicNotFoundError } from '../../../domain/errors.js';
import type { Topic } from '../../../domain/types.js';
import type { Clock } from '../../../ports/Clock.js';
import type { LogEntry } from '../../../ports/MessageLog.js';
import { toLogItem } from '../logItems.js';
import { partitionKey } from '../names.js';
import type { AwsResources } from '../resources.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { claimHead, headFromItem, readHead, type PartitionHead } from './headCounter.js';
import { topicCheck } from './metaItems.js';
import { MAX_TRANSACTION_BYTES, MAX_TRANSACTION_ITEMS, TRANSIENT_REASONS, transact, type CancellationReason, type TransactItem } from './transactions.js';

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
}

/** Items of every transaction besides the entries': the topic check and the head claim. */
const FIXED_ITEMS = 2;
const CONDITION_FAILED = 'ConditionalCheckFailed';

function estimatedBytes({ entry, guard, alongside }: GuardedEntry): number {
  const text = JSON.stringify(entry.body) + JSON.stringify(entry.attributes) + entry.id + (entry.key ?? '');
  return Buffer.byteLength(text) + (guard === undefined ? 200 : 400) + 200 * (alongside?.length ?? 0);
}

/** Items one entry takes in a transaction: the message, its guard, what goes alongside. */
const itemsOf = ({ guard, alongside }: GuardedEntry): number => 1 + (guard === undefined ? 0 : 1) + (alongside?.length ?? 0);

/** How many of `pending` (at least one) fit in one transaction. */
function chunkLength(pending: readonly GuardedEntry[]): number {
  let items = FIXED_ITEMS;
  let bytes = 0;
  let count = 0;
  for (const entry of pending) {
    const needed = itemsOf(entry);
    const size = estimatedBytes(entry);
    if (count > 0 && (items + needed > MAX_TRANSACTION_ITEMS || bytes + size > MAX_TRANSACTION_BYTES)) break;
    items += needed;
    bytes += size;
    count += 1;
  }
  return count;
}

/**
 * Appends entries to one log partition in their order, in as few
 * TransactWriteItems as the limits allow (100 items, 4 MB). Each transaction
 * holds: a check that the topic still exists in this incarnation, the head
 * claim (see headCounter.ts), one conditional Put per message
 * (`attribute_not_exists(p)`), each entry's guard and what goes alongside it. Nothing is ever written
 * outside such a transaction, so no reader can see offset n + 1 before n.
 *
 * A lost race for the head (another process appended first) is retried with
 * jittered backoff from the head the failed transaction reported; a failed
 * guard drops only its entry and the rest are tried again at once.
 *
 * @example
 * const appender = new PartitionAppender(clients.dynamo, resources, clock);
 * const [result] = await appender.append(topic, 0, [{ entry, guard: dedup.guardFor(topic, entry, now) }]);
 * if (result?.appended) console.log(result.offset);
 */
export class PartitionAppender {
  public constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly resources: Pick<AwsResources, 'logTable' | 'metaTable'>,
    private readonly clock: Clock,
    private readonly retry: BackoffOptions = {},
  ) {}

  /** One result per entry, in input order. Throws TopicNotFound when the topic was deleted (or re-created) meanwhile. */
  public async append(topic: Topic, partition: number, entries: readonly GuardedEntry[]): Promise<EntryResult[]> {
    const key = partitionKey(topic, partition);
    const results: EntryResult[] = new Array<EntryResult>(entries.length);
    let pending: Pending[] = entries.map((entry, index) => ({ ...entry, index }));
    let head: PartitionHead | undefined;
    const backoff = new Backoff(this.retry);
    while (pending.length > 0) {
      head ??= await readHead(this.dynamo, this.resources.logTable, key);
      const chunk = pending.slice(0, chunkLength(pending));
      const publishedAt = Math.max(this.clock.now(), head.lastPublishedAt);
      const { items, owners } = this.transactionItems(topic, partition, key, head, chunk, publishedAt);
      const result = await transact(this.dynamo, items, `append to ${key}`);
      if (result.committed) {
        const first = head.next;
        chunk.forEach((entry, i) => (results[entry.index] = { appended: true, offset: first + i }));
        head = { next: first + chunk.length, lastPublishedAt: publishedAt };
        pending = pending.slice(chunk.length);
        backoff.reset();
        continue;
      }
      const outcome = this.readCancellation(topic, key, result.reasons, owners);
      for (const [index, stored] of outcome.guarded) results[index] = { appended: false, stored };
      pending = pending.filter((entry) => !outcome.guarded.has(entry.index));
      if (!outcome.retry) continue;
      await backoff.wait(`append to ${key}`);
      head = outcome.head;
    }
    return results;
  }

  /** The transaction, and for each item after the fixed two, which pending entry owns it and whether it is the guard. */
  private transactionItems(topic: Topic, partition: number, key: string, head: PartitionHead, chunk: readonly Pending[], publishedAt: number) {
    const items: TransactItem[] = [
      topicCheck(this.resources.metaTable, topic),
      claimHead(this.resources.logTable, key, head, head.next + chunk.length, publishedAt),
    ];
    const owners: Array<{ index: number; guard: boolean }> = [];
    chunk.forEach(({ entry, guard, alongside, index }, i) => {
      const offset = head.next + i;
      const item = toLogItem({
        partitionKey: key,
        topic: topic.name,
        topicCreatedAt: topic.createdAt,
        partition,
        offset,
        id: entry.id,
        key: entry.key,
        body: entry.body,
        attributes: entry.attributes,
        publishedAt,
        retentionHours: topic.retentionHours,
      });
      items.push({ Put: { TableName: this.resources.logTable, Item: item, ConditionExpression: 'attribute_not_exists(p)' } });
      owners.push({ index, guard: false });
      if (guard !== undefined) {
        items.push(guard(offset));
        owners.push({ index, guard: true });
      }
      for (const item of alongside ?? []) {
        items.push(item);
        owners.push({ index, guard: false });
      }
    });
    return { items, owners };
  }

  /**
   * What a cancelled transaction means: the topic is gone (throw), guards that
   * failed (their entries are settled), and whether to try again and from which
   * head (`undefined`: read it again).
   */
  private readCancellation(topic: Topic, key: string, reasons: readonly CancellationReason[], owners: ReadonlyArray<{ index: number; guard: boolean }>) {
    const [topicCheck, headClaim, ...rest] = reasons;
    if (topicCheck?.code === CONDITION_FAILED) throw new TopicNotFoundError(topic.name);
    const guarded = new Map<number, Record<string, unknown> | undefined>();
    let retry = false;
    let head: PartitionHead | undefined;
    if (headClaim?.code === CONDITION_FAILED) {
      retry = true;
      head = headClaim.item === undefined ? undefined : headFromItem(headClaim.item);
    }
    rest.forEach((reason, i) => {
      const owner = owners[i];
      if (owner === undefined || reason.code === 'None') return;
      if (reason.code === CONDITION_FAILED && owner.guard) guarded.set(owner.index, reason.item);
      else if (reason.code === CONDITION_FAILED) retry = true; // a message item beyond the head read: read it again
    });
    const unexpected = reasons.filter((reason) => reason.code !== 'None' && reason.code !== CONDITION_FAILED);
    if (unexpected.some((reason) => !TRANSIENT_REASONS.has(reason.code))) {
      throw new StorageError(`DynamoDB cancelled the append to ${key}: ${unexpected.map((reason) => reason.code).join(', ')}`);
    }
    if (unexpected.length > 0) retry = true;
    if (!retry && guarded.size === 0) throw new StorageError(`DynamoDB cancelled the append to ${key} without naming a reason`);
    return { guarded, retry, head: retry && head !== undefined && unexpected.length === 0 ? head : undefined };
  }
}
