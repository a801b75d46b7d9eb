import { InvalidRequestError } from '../domain/errors.js';
import type { GroupPartitionLag, Topic } from '../domain/types.js';
import type { Backend } from '../ports/Backend.js';
import type { ReadPage, ReadPosition } from '../ports/MessageLog.js';
import type { TopicAdmin } from './TopicAdmin.js';

export interface GroupState {
  readonly topic: string;
  readonly group: string;
  readonly partitions: GroupPartitionLag[];
}

function checkPartition(topic: Topic, partition: number): void {
  if (partition < 0 || partition >= topic.partitions) {
    throw new InvalidRequestError(
      `partition must be between 0 and ${topic.partitions - 1} for topic ${JSON.stringify(topic.name)}, but ${partition} was provided`,
    );
  }
}

/**
 * Kafka-style replay: reads a partition from an offset or a time, and keeps
 * consumer groups' committed offsets with their lag.
 *
 * @example
 * const page = await reader.read('orders', 0, { offset: 0 }, 100);
 * await reader.commit('orders', 'billing', [{ partition: 0, offset: page.nextOffset }]);
 */
export class LogReader {
  public constructor(
    private readonly backend: Backend,
    private readonly topics: TopicAdmin,
  ) {}

  public async read(topicName: string, partition: number, from: ReadPosition, limit: number): Promise<ReadPage> {
    const topic = await this.topics.require(topicName);
    checkPartition(topic, partition);
    return this.backend.log.read(topic, partition, from, limit);
  }

  public async commit(topicName: string, group: string, offsets: ReadonlyArray<{ partition: number; offset: number }>): Promise<GroupState> {
    const topic = await this.topics.require(topicName);
    const seen = new Set<number>();
    for (const { partition } of offsets) {
      checkPartition(topic, partition);
      if (seen.has(partition)) throw new InvalidRequestError(`offsets lists partition ${partition} more than once`);
      seen.add(partition);
    }
    await this.backend.groups.commit(topic.name, group, offsets);
    return this.describeGroup(topic, group);
  }

  public async group(topicName: string, group: string): Promise<GroupState> {
    return this.describeGroup(await this.topics.require(topicName), group);
  }

  private async describeGroup(topic: Topic, group: string): Promise<GroupState> {
    const [committed, stats] = await Promise.all([this.backend.groups.get(topic.name, group), this.backend.log.stats(topic)]);
    const partitions = stats.map(({ partition, oldestOffset, nextOffset }) => {
      const committedOffset = committed.get(partition) ?? null;
      // Below the oldest retained offset there is nothing left to read, so it is not lag.
      const readFrom = Math.max(committedOffset ?? oldestOffset, oldestOffset);
      return { partition, committedOffset, nextOffset, lag: Math.max(0, nextOffset - readFrom) };
    });
    return { topic: topic.name, group, partitions };
  }
}
