import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchItem } from '../logItems.js';
import { advanceHead, EMPTY_HEAD, headAfter, laterHead, type PartitionHead } from './partitionHead.js';

/**
 * Keeps each log partition's head item (partitionHead.ts) at the end of the
 * newest record batch the relay has seen: one conditional update per partition
 * and relay invocation, however many batches it carried.
 *
 * @example
 * const heads = new LogHeads(clients.dynamo, resources.logTable);
 * const failed = await heads.advance(batches); // partition keys whose head could not be moved
 */
export class LogHeads {
  public constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly logTable: string,
  ) {}

  /** Moves each partition's head past the newest of `batches` in it; answers the partition keys whose head could not be moved. */
  public async advance(batches: readonly BatchItem[]): Promise<Set<string>> {
    const ends = new Map<string, PartitionHead>();
    for (const batch of batches) ends.set(batch.p, laterHead(ends.get(batch.p) ?? EMPTY_HEAD, headAfter(batch)));
    const failed = new Set<string>();
    await Promise.all(
      [...ends].map(([key, head]) => advanceHead(this.dynamo, this.logTable, key, head).catch(() => void failed.add(key))),
    );
    return failed;
  }
}
