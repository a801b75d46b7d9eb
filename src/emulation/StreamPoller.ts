import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type DynamoDBStreamsClient, type _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { asLambdaJson } from './lambdaJson.js';
import { passesFilters, type FilterPattern } from './eventFilters.js';

export type StreamHandler = (records: DynamoDBRecord[]) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  /** Records per invocation (the event source mapping's BatchSize). @default 100 */
  readonly batchSize?: number;
  /** Retries of a failing batch before it goes to the failure destination. @default 10 */
  readonly retryAttempts?: number;
  /** The mapping's filter patterns: records none of them matches are dropped, as Lambda drops them (eventFilters.ts). @default none: every record */
  readonly filters?: readonly FilterPattern[];
}

interface ShardCursor {
  iterator: string | undefined;
  /** Records read from the stream and not yet handled successfully, in order. */
  pending: DynamoDBRecord[];
  /** Failed attempts of the batch at the head of `pending`. */
  attempts: number;
}

/**
 * Does what Lambda's event source mapping does for a DynamoDB stream, for a
 * handler running in this process: reads each shard in order, invokes the
 * handler with batches, honours `batchItemFailures` as a checkpoint (everything
 * before the first failed record is done), splits a batch that throws in two
 * (BisectBatchOnFunctionError) and, after `retryAttempts`, gives the batch up to
 * the failure destination (here: the log).
 *
 * @example
 * const poller = new StreamPoller(dynamo, streams, 'conveyor-log', relay, logger);
 * while ((await poller.pollOnce()) > 0);
 */
export class StreamPoller {
  private readonly batchSize: number;
  private readonly retryAttempts: number;
  private readonly filters: readonly FilterPattern[];
  private streamArn: string | undefined;
  private readonly shards = new Map<string, ShardCursor>();

  public constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
    private readonly tableName: string,
    private readonly handler: StreamHandler,
    private readonly logger: Logger,
    options: StreamPollerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.retryAttempts = options.retryAttempts ?? 10;
    this.filters = options.filters ?? [];
  }

  /** Reads what is new on every shard and hands it to the handler; returns how many records were handled or retried. */
  public async pollOnce(): Promise<number> {
    let work = 0;
    for (const [shardId, cursor] of await this.cursors()) {
      await this.read(shardId, cursor);
      work += await this.deliver(cursor);
    }
    return work;
  }

  /** Whether records are waiting for a retry. */
  public hasPending(): boolean {
    return [...this.shards.values()].some((cursor) => cursor.pending.length > 0);
  }

  private async cursors(): Promise<Map<string, ShardCursor>> {
    this.streamArn ??= (await this.dynamo.send(new DescribeTableCommand({ TableName: this.tableName }))).Table?.LatestStreamArn;
    if (this.streamArn === undefined) throw new Error(`table ${this.tableName} has no stream`);
    const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (shard.ShardId === undefined || this.shards.has(shard.ShardId)) continue;
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      this.shards.set(shard.ShardId, { iterator: ShardIterator, pending: [], attempts: 0 });
    }
    return this.shards;
  }

  private async read(shardId: string, cursor: ShardCursor): Promise<void> {
    while (cursor.iterator !== undefined) {
      const { Records, NextShardIterator } = await this.streams.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 1000 }));
      cursor.iterator = NextShardIterator;
      if (Records === undefined || Records.length === 0) return;
      cursor.pending.push(...Records.map((record) => toLambdaRecord(record, this.streamArn!)).filter((record) => passesFilters(this.filters, record)));
    }
    this.logger.debug({ shardId }, 'stream shard closed');
  }

  private async deliver(cursor: ShardCursor): Promise<number> {
    let handled = 0;
    while (cursor.pending.length > 0) {
      const batch = cursor.pending.slice(0, this.batchSize);
      const done = await this.invoke(batch);
      handled += batch.length;
      if (done === batch.length) {
        cursor.pending.splice(0, batch.length);
        cursor.attempts = 0;
        continue;
      }
      cursor.pending.splice(0, done);
      cursor.attempts += 1;
      if (cursor.attempts > this.retryAttempts) {
        const given = cursor.pending.splice(0, batch.length - done);
        cursor.attempts = 0;
        this.logger.error({ records: given.length, first: given[0]?.dynamodb?.SequenceNumber }, 'stream batch failed every retry; sent to the failure destination');
        continue;
      }
      return handled; // retried on the next poll, as the event source mapping would after its backoff
    }
    return handled;
  }

  /** Invokes the handler; returns how many records from the start of the batch are done. Bisects a batch that throws. */
  private async invoke(batch: DynamoDBRecord[]): Promise<number> {
    try {
      const response = await this.handler(batch);
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return batch.length;
      const failedAt = batch.findIndex((record) => failures.some((failure) => failure.itemIdentifier === record.dynamodb?.SequenceNumber));
      return failedAt < 0 ? 0 : failedAt; // an unknown identifier fails the whole batch, as in Lambda
    } catch (error) {
      this.logger.warn({ err: error, records: batch.length }, 'stream handler threw; bisecting the batch');
      if (batch.length === 1) return 0;
      const half = Math.ceil(batch.length / 2);
      const first = await this.invoke(batch.slice(0, half));
      return first < half ? first : half + (await this.invoke(batch.slice(half)));
    }
  }
}

function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: asLambdaJson(record.dynamodb) as DynamoDBRecord['dynamodb'],
  };
}
