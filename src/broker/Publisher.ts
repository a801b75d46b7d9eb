import { monotonicFactory, type ULIDFactory } from 'ulidx';
import type { OutgoingMessage, PublishResult } from '../domain/types.js';
import type { Backend } from '../ports/Backend.js';
import type { Clock } from '../ports/Clock.js';
import type { DelayedEntry } from '../ports/DelayedMessages.js';
import type { LogEntry, PublishOutcome } from '../ports/MessageLog.js';
import type { Telemetry } from '../ports/Telemetry.js';
import { Partitioner } from '../routing/Partitioner.js';
import type { TopicAdmin } from './TopicAdmin.js';
import { toRfc3339 } from './time.js';

function toResult(outcome: PublishOutcome): PublishResult {
  return 'scheduledFor' in outcome ? { ...outcome, scheduledFor: toRfc3339(outcome.scheduledFor) } : outcome;
}

/**
 * Publishes a batch: assigns ids (the client's, or a sortable ULID), chooses
 * partitions, and splits the batch into messages for the log now and messages
 * for later. Both writes are issued together so an embedded backend commits
 * them in one transaction; results come back in request order.
 *
 * @example
 * const [result] = await publisher.publish('orders', [{ key: 'order-42', body: { total: 10 } }]);
 */
export class Publisher {
  private readonly ulid: ULIDFactory = monotonicFactory();

  public constructor(
    private readonly backend: Backend,
    private readonly topics: TopicAdmin,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry,
    /** Told when messages were stored for later, so the timer can wake sooner. */
    private readonly onDelayed: () => void = () => undefined,
    private readonly partitioner: Partitioner = new Partitioner(),
  ) {}

  public async publish(topicName: string, messages: readonly OutgoingMessage[]): Promise<PublishResult[]> {
    const topic = await this.topics.require(topicName);
    const now = this.clock.now();
    const immediate: Array<{ index: number; entry: LogEntry }> = [];
    const later: Array<{ index: number; entry: DelayedEntry }> = [];

    messages.forEach((message, index) => {
      const key = message.key ?? null;
      const entry: LogEntry = {
        id: message.id ?? this.ulid(now),
        clientId: message.id !== undefined,
        partition: this.partitioner.partitionFor(key, topic.partitions),
        key,
        body: message.body,
        attributes: message.attributes ?? {},
      };
      const dueAt = message.deliverAt ?? now + (message.delaySeconds ?? 0) * 1000;
      if (dueAt > now) later.push({ index, entry: { ...entry, dueAt } });
      else immediate.push({ index, entry });
    });

    const [appended, scheduled] = await Promise.all([
      immediate.length > 0 ? this.backend.log.append(topic, immediate.map((item) => item.entry)) : [],
      later.length > 0 ? this.backend.delayed.schedule(topic, later.map((item) => item.entry)) : [],
    ]);

    if (later.length > 0) this.onDelayed();
    const results = new Array<PublishResult>(messages.length);
    appended.forEach((outcome, i) => {
      results[immediate[i]!.index] = toResult(outcome);
    });
    scheduled.forEach((outcome, i) => {
      results[later[i]!.index] = toResult(outcome);
    });
    const fresh = [...appended, ...scheduled].filter((outcome) => !outcome.duplicate).length;
    if (fresh > 0) this.telemetry.published(topic.name, fresh);
    return results;
  }
}
