import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { callAws } from '../awsErrors.js';
import { HEAD_OFFSET } from '../logItems.js';
import type { TransactItem } from './transactions.js';

/**
 * A partition's head counter: the log item at offset -1 (`HEAD_OFFSET`), with
 * `next` (N) = the next offset to assign and `t` (N) = the publish time of the
 * last append, epoch ms. Every append moves it in the same transaction as its
 * messages, on the condition that it still holds what the appender read, so
 * concurrent appenders (other Lambdas) claim disjoint, gap-free offset ranges.
 * Keeping `t` makes publish times non-decreasing along the offsets even when
 * writers' clocks disagree: retention expiry is then a prefix of the
 * partition, and time seeks can binary-search.
 */
export interface PartitionHead {
  readonly next: number;
  readonly lastPublishedAt: number;
}

export const EMPTY_HEAD: PartitionHead = { next: 0, lastPublishedAt: 0 };

export function headFromItem(item: Record<string, unknown> | undefined): PartitionHead {
  if (item === undefined) return EMPTY_HEAD;
  return { next: Number(item['next'] ?? 0), lastPublishedAt: Number(item['t'] ?? 0) };
}

/** The head as committed now (consistent read). */
export async function readHead(dynamo: DynamoDBDocumentClient, table: string, partitionKey: string): Promise<PartitionHead> {
  const { Item } = await callAws('read a log partition head', () =>
    dynamo.send(new GetCommand({ TableName: table, Key: { p: partitionKey, o: HEAD_OFFSET }, ConsistentRead: true })),
  );
  return headFromItem(Item);
}

/**
 * The transaction item that claims offsets `expected.next … next - 1`: it
 * fails when another appender moved the head first, and then hands back the
 * head it found (ALL_OLD), so the retry needs no extra read.
 */
export function claimHead(table: string, partitionKey: string, expected: PartitionHead, next: number, publishedAt: number): TransactItem {
  const item = { p: partitionKey, o: HEAD_OFFSET, next, t: publishedAt };
  if (expected.next === 0) {
    return { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(p)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
  }
  return {
    Put: {
      TableName: table,
      Item: item,
      ConditionExpression: '#next = :expected',
      ExpressionAttributeNames: { '#next': 'next' },
      ExpressionAttributeValues: { ':expected': expected.next },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}
