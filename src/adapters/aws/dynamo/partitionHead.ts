import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { callAws } from '../awsErrors.js';
import { batchEnd, batchOf, HEAD_OFFSET, type BatchItem } from '../logItems.js';
import { isConditionFailure } from './transactions.js';

/**
 * Where a log partition ends: `next` = the offset the next append gets, and
 * `lastPublishedAt` = the publish time of the last batch, epoch ms. Publish
 * times never decrease along a partition: an append takes the later of its
 * clock and `lastPublishedAt`, so retention expiry is a prefix of the
 * partition and time seeks can binary-search, even when writers' clocks
 * disagree.
 *
 * Offsets are claimed by the record batches themselves (see
 * PartitionAppender): each is written at the end of the one before it, on the
 * condition that no item holds that key yet. The head item (offset -1,
 * `HEAD_OFFSET`, no TTL) remembers the end for when DynamoDB TTL has deleted
 * every batch of a partition that sat idle past its retention: the offsets go
 * on from there. The stream relay moves it forward after every batch it sees
 * (LogHeads), so it is at most the relay's delay behind and never misses a
 * batch, even one whose writer crashed right after writing it. Writers and
 * readers take the later of it and the last batch (`readEnd`).
 */
export interface PartitionHead {
  readonly next: number;
  readonly lastPublishedAt: number;
}

export const EMPTY_HEAD: PartitionHead = { next: 0, lastPublishedAt: 0 };

function headFromItem(item: Record<string, unknown> | undefined): PartitionHead {
  if (item === undefined) return EMPTY_HEAD;
  return { next: Number(item['next'] ?? 0), lastPublishedAt: Number(item['t'] ?? 0) };
}

/** The end of the partition just after `batch`. */
export const headAfter = (batch: Pick<BatchItem, 'o' | 'n' | 't'>): PartitionHead => ({ next: batchEnd(batch), lastPublishedAt: batch.t });

/** The later of two ends. */
export const laterHead = (a: PartitionHead, b: PartitionHead): PartitionHead => (b.next > a.next ? b : a);

/** Where the partition ends now: the later of the head item and the last batch (consistent reads, in parallel), and that batch. */
export async function readEnd(dynamo: DynamoDBDocumentClient, table: string, partitionKey: string): Promise<{ end: PartitionHead; last?: BatchItem }> {
  const [head, last] = await Promise.all([readHead(dynamo, table, partitionKey), lastBatchAtOrBefore(dynamo, table, partitionKey)]);
  return last === undefined ? { end: head } : { end: laterHead(head, headAfter(last)), last };
}

/** The last batch keyed at or before `offset` (the partition's last batch without it): one query, newest first, limit 1. */
export async function lastBatchAtOrBefore(dynamo: DynamoDBDocumentClient, table: string, partitionKey: string, offset: number = Number.MAX_SAFE_INTEGER): Promise<BatchItem | undefined> {
  const page = await callAws('read a log partition', () =>
    dynamo.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'p = :p AND o BETWEEN :first AND :offset',
        ExpressionAttributeValues: { ':p': partitionKey, ':first': 0, ':offset': offset },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 1,
      }),
    ),
  );
  const [item] = page.Items ?? [];
  return item === undefined ? undefined : batchOf(item);
}

/** The head item as committed now (consistent read). */
async function readHead(dynamo: DynamoDBDocumentClient, table: string, partitionKey: string): Promise<PartitionHead> {
  const { Item } = await callAws('read a log partition head', () =>
    dynamo.send(new GetCommand({ TableName: table, Key: { p: partitionKey, o: HEAD_OFFSET }, ConsistentRead: true })),
  );
  return headFromItem(Item);
}

/**
 * Moves the head item forward to `head` (never back: the write is conditioned
 * on the stored `next` being smaller). A write that finds it further already
 * is no failure.
 */
export async function advanceHead(dynamo: DynamoDBDocumentClient, table: string, partitionKey: string, head: PartitionHead): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table,
        Key: { p: partitionKey, o: HEAD_OFFSET },
        UpdateExpression: 'SET #next = :next, t = :t',
        ConditionExpression: 'attribute_not_exists(#next) OR #next < :next',
        ExpressionAttributeNames: { '#next': 'next' },
        ExpressionAttributeValues: { ':next': head.next, ':t': head.lastPublishedAt },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
