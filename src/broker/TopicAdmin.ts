import { ConflictError, TopicNotFoundError } from '../domain/errors.js';
import type { PartitionStats, Topic, TopicSettings } from '../domain/types.js';
import type { Backend } from '../ports/Backend.js';
import type { Clock } from '../ports/Clock.js';
import { noTelemetry, type Telemetry } from '../ports/Telemetry.js';
import { toRfc3339 } from './time.js';

export interface TopicDescription extends Topic {
  /** Per partition, its offsets; and how many messages wait for their delivery time, not yet in any partition. */
  readonly stats: { readonly partitions: PartitionStats[]; readonly delayed: number };
}

function sameSettings(a: TopicSettings, b: TopicSettings): boolean {
  return a.partitions === b.partitions && a.retentionHours === b.retentionHours && a.dedupWindowSeconds === b.dedupWindowSeconds;
}

/**
 * Creates, describes and deletes topics. Creation is idempotent: the same
 * settings again is a no-op, different settings are a conflict (as Kafka's
 * CreateTopics refuses to change partitions silently).
 *
 * @example
 * const { created, topic } = await topics.create('orders', { partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600 });
 */
export class TopicAdmin {
  public constructor(
    private readonly backend: Backend,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry = noTelemetry,
  ) {}

  public async create(name: string, settings: TopicSettings): Promise<{ created: boolean; topic: Topic }> {
    const { created, value } = await this.backend.metadata.createTopic({ name, ...settings, createdAt: toRfc3339(this.clock.now()) });
    if (!created && !sameSettings(value, settings)) {
      throw new ConflictError(
        `topic ${JSON.stringify(name)} exists with other settings (partitions ${value.partitions}, retentionHours ${value.retentionHours}, dedupWindowSeconds ${value.dedupWindowSeconds})`,
        { details: { existing: value } },
      );
    }
    return { created, topic: value };
  }

  /** The topic, or TopicNotFoundError. */
  public async require(name: string): Promise<Topic> {
    const topic = await this.backend.metadata.getTopic(name);
    if (topic === null) throw new TopicNotFoundError(name);
    return topic;
  }

  public async describe(name: string): Promise<TopicDescription> {
    const topic = await this.require(name);
    const [partitions, delayed] = await Promise.all([this.backend.log.stats(topic), this.backend.delayed.count(topic)]);
    return { ...topic, stats: { partitions, delayed } };
  }

  public list(): Promise<Topic[]> {
    return this.backend.metadata.listTopics();
  }

  /** Deletes the topic with everything that hangs off it; its metrics go with it. */
  public async delete(name: string): Promise<void> {
    if (!(await this.backend.metadata.deleteTopic(name))) throw new TopicNotFoundError(name);
    this.telemetry.topicDeleted(name);
  }
}
