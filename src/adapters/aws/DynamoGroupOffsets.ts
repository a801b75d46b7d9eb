import { StorageError, TopicNotFoundError } from '../../domain/errors.js';
import type { GroupOffsets } from '../../ports/GroupOffsets.js';
import { chunk } from './batches.js';
import type { AwsClients } from './clients.js';
import { Backoff, type BackoffOptions } from './dynamo/backoff.js';
import { metaKeys, type GroupOffsetItem } from './dynamo/metaItems.js';
import { queryAll } from './dynamo/metaQueries.js';
import { MAX_TRANSACTION_ITEMS, TRANSIENT_REASONS, transact, type TransactItem } from './dynamo/transactions.js';
import type { AwsResources } from './resources.js';

/**
 * Consumer groups' committed offsets in the meta table: one item per
 * (topic, group, partition) under pk `group#<topic>`. A commit is one
 * TransactWriteItems (a topic has at most 64 partitions), so a group never
 * shows half of a commit; it fails with TopicNotFound when the topic is gone.
 *
 * @example
 * const groups = new DynamoGroupOffsets(clients, resources);
 * await groups.commit('orders', 'billing', [{ partition: 0, offset: 42 }]);
 * (await groups.get('orders', 'billing')).get(0); // 42
 */
export class DynamoGroupOffsets implements GroupOffsets {
  public constructor(
    private readonly clients: Pick<AwsClients, 'dynamo'>,
    private readonly resources: Pick<AwsResources, 'metaTable'>,
    private readonly retry: BackoffOptions = {},
  ) {}

  public async commit(topic: string, group: string, offsets: ReadonlyArray<{ partition: number; offset: number }>): Promise<void> {
    const topicExists: TransactItem = {
      ConditionCheck: { TableName: this.resources.metaTable, Key: metaKeys.topic(topic), ConditionExpression: 'attribute_exists(pk)' },
    };
    for (const batch of chunk(offsets, MAX_TRANSACTION_ITEMS - 1)) {
      const puts = batch.map(({ partition, offset }): TransactItem => {
        const item: GroupOffsetItem = { ...metaKeys.groupOffset(topic, group, partition), group, partition, offset };
        return { Put: { TableName: this.resources.metaTable, Item: item } };
      });
      await this.commitBatch(topic, group, [topicExists, ...puts]);
    }
  }

  public async get(topic: string, group: string): Promise<Map<number, number>> {
    const items = await queryAll(
      this.clients.dynamo,
      {
        TableName: this.resources.metaTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :group)',
        ExpressionAttributeValues: { ':pk': metaKeys.groups(topic), ':group': metaKeys.groupPrefix(group) },
        ConsistentRead: true,
      },
      'read committed offsets',
    );
    return new Map((items as unknown as GroupOffsetItem[]).map((item) => [item.partition, item.offset]));
  }

  /** Concurrent commits of one group conflict as transactions; the later one is retried. */
  private async commitBatch(topic: string, group: string, items: readonly TransactItem[]): Promise<void> {
    const backoff = new Backoff(this.retry);
    for (;;) {
      const result = await transact(this.clients.dynamo, items, `commit offsets of group ${group}`);
      if (result.committed) return;
      const [topicExists, ...puts] = result.reasons;
      if (topicExists?.code === 'ConditionalCheckFailed') throw new TopicNotFoundError(topic);
      const failed = puts.filter((reason) => reason.code !== 'None');
      if (failed.some((reason) => !TRANSIENT_REASONS.has(reason.code))) {
        throw new StorageError(`DynamoDB cancelled the offset commit of group ${group}: ${failed.map((reason) => reason.code).join(', ')}`);
      }
      await backoff.wait(`commit offsets of group ${group}`);
    }
  }
}
