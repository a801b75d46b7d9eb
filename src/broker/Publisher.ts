import { monotonicFactory, type ULIDFactory } from 'ulidx';
import { PublishLimits } from '../domain/constants.js';
import { InvalidRequestError } from '../domain/errors.js';
import { checkMessageSize } from '../domain/messageSize.js';
import type { OutgoingMessage, PublishResult } from '../domain/types.js';
import type { Backend } from '../ports/Backend.js';
import type { Clock } from '../ports/Clock.js';
import type { LogEntry, PublishOutcome } from '../ports/MessageLog.js';
import type { Telemetry } from '../ports/Telemetry.js';
import { Partitioner } from '../routing/Partitioner.js';
import { pooledRandom } from './pooledRandom.js';
import type { TopicAdmin } from './TopicAdmin.js';
import { toRfc3339 } from './time.js';

function toResult(outcome: PublishOutcome): PublishResult {
  return 'scheduledFor' in outcome ? { ...outcome, scheduledFor: toRfc3339(outcome.scheduledFor) } : outcome;
}

/**
 * Publishes a batch: assigns ids (the client's, or a sortable ULID), chooses
 * partitions, and marks messages for later with their due time. The whole batch
 * is one atomic write; results come back in request order.
 *
 * @example
 * const [result] = await publisher.publish('orders', [{ key: 'order-42', body: { total: 10 } }]);
 */
export class Publisher {
  private readonly ulid: ULIDFactory = monotonicFactory(pooledRandom());

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
    // Each body is serialized once: for its size here, and as the text the log stores.
    const bodyTexts = messages.map((message, index) => checkMessageSize(message, `body.messages[${index}]`));
    const topic = await this.topics.require(topicName);
    const now = this.clock.now();
    const latest = now + PublishLimits.delaySeconds.max * 1000;
    messages.forEach((message, index) => {
      if (message.deliverAt !== undefined && message.deliverAt > latest) {
        throw new InvalidRequestError(
          `body.messages[${index}].deliverAt must be at most ${PublishLimits.delaySeconds.max} seconds ahead, but ${toRfc3339(message.deliverAt)} was provided`,
        );
      }
    });
    const entries = messages.map((message, index): LogEntry => {
      const key = message.key ?? null;
      const dueAt = message.deliverAt ?? now + (message.delaySeconds ?? 0) * 1000;
      return {
        id: message.id ?? this.ulid(now),
        clientId: message.id !== undefined,
        partition: this.partitioner.partitionFor(key, topic.partitions),
        key,
        body: message.body,
        bodyText: bodyTexts[index]!,
        attributes: message.attributes ?? {},
        ...(dueAt > now ? { dueAt } : {}),
      };
    });
    const outcomes = await this.backend.log.append(topic, entries);
    if (entries.some((entry) => entry.dueAt !== undefined)) this.onDelayed();
    const fresh = outcomes.filter((outcome) => !outcome.duplicate).length;
    if (fresh > 0) this.telemetry.published(topic.name, fresh);
    return outcomes.map(toResult);
  }

}
