import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { awsErrorName, translateAwsError } from '../awsErrors.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** At most this many items in one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;
/** DynamoDB refuses transactions over 4 MB; this leaves room for keys and names the estimate misses. */
export const MAX_TRANSACTION_BYTES = 3_500_000;

/** Why one item of a cancelled transaction failed, aligned with the items sent. */
export interface CancellationReason {
  /** `None` (this item was fine), `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, `ValidationError`… */
  readonly code: string;
  /** The item as stored, when the item asked for `ReturnValuesOnConditionCheckFailure: ALL_OLD` and it existed. */
  readonly item?: Record<string, unknown>;
}

export type TransactionResult = { readonly committed: true } | { readonly committed: false; readonly reasons: readonly CancellationReason[] };

/** Reasons that pass when the same transaction is tried again a little later (`Unknown`: the answer named none). */
export const TRANSIENT_REASONS = new Set(['TransactionConflict', 'ProvisionedThroughputExceeded', 'ThrottlingError', 'RequestLimitExceeded', 'Unknown']);

interface RawReason {
  readonly Code?: string;
  readonly Item?: Record<string, AttributeValue>;
}

/**
 * Runs one TransactWriteItems. A cancelled transaction is an answer here, not
 * an error: its reasons come back so that the caller can tell a moved head
 * from a duplicate. Every other failure is translated into a Conveyor error.
 *
 * The SDK fills `ClientRequestToken` once per command, so its own retries of
 * a transaction that did commit are answered as committed, not applied twice
 * (moto 5.2 ignores the token: an emulator gap that only matters on retries).
 *
 * The DocumentClient does not unmarshall the items in `CancellationReasons`;
 * they are unmarshalled here. moto 5.2 reports every item, with `Code: "None"`
 * for the ones that passed and the old item when ALL_OLD was asked, as DynamoDB does.
 */
export async function transact(dynamo: DynamoDBDocumentClient, items: readonly TransactItem[], what: string): Promise<TransactionResult> {
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: [...items] }));
    return { committed: true };
  } catch (error) {
    if (awsErrorName(error) !== 'TransactionCanceledException') throw translateAwsError(error, what);
    const raw = (error as { CancellationReasons?: readonly RawReason[] }).CancellationReasons ?? [];
    const reasons = items.map((_, index): CancellationReason => {
      const reason = raw[index];
      return { code: reason?.Code ?? 'Unknown', ...(reason?.Item === undefined ? {} : { item: unmarshall(reason.Item) }) };
    });
    return { committed: false, reasons };
  }
}

/** Whether `error` is the SDK's ConditionalCheckFailedException (single-item writes). */
export function isConditionFailure(error: unknown): boolean {
  return awsErrorName(error) === 'ConditionalCheckFailedException';
}

/**
 * The item that failed a single-item write's condition, when the write asked
 * for `ReturnValuesOnConditionCheckFailure: ALL_OLD` (marshalled on the error,
 * as the DocumentClient leaves it).
 */
export function conditionFailureItem(error: unknown): Record<string, unknown> | undefined {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  return item === undefined ? undefined : unmarshall(item);
}
