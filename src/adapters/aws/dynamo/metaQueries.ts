import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { callAws } from '../awsErrors.js';
import { sendWithPartialRetry } from '../batches.js';
import type { MetaKey } from './metaItems.js';

/** Every item a query matches, following LastEvaluatedKey across 1 MB pages. */
export async function queryAll(dynamo: DynamoDBDocumentClient, input: QueryCommandInput, what: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await callAws(what, () => dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey })));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** Deletes the items in BatchWriteItem calls of 25, retrying unprocessed ones. */
export async function deleteAll(dynamo: DynamoDBDocumentClient, table: string, keys: readonly MetaKey[], what: string): Promise<void> {
  const requests = keys.map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
  await sendWithPartialRetry(requests, 25, what, async (batch) => {
    const { UnprocessedItems } = await callAws(what, () => dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: batch } })));
    return (UnprocessedItems?.[table] ?? []) as typeof batch;
  });
}
