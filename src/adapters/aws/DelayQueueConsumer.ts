import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Topic } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { LogEntry } from '../../ports/MessageLog.js';
import type { MetadataStore } from '../../ports/MetadataStore.js';
import type { PartialRetryOptions } from './batches.js';
import type { AwsClients } from './clients.js';
import type { DelayedEnvelope } from './collaborators.js';
import { DelayQueue, delaySecondsUntil } from './delays/DelayQueue.js';
import { decodeEnvelope, toReleasedEntry } from './delays/envelope.js';
import type { AwsResources } from './resources.js';

/** Where due messages go: the log, which appends each message id once however often it is released. */
export interface ReleaseTarget {
  release(topic: Topic, entries: readonly LogEntry[]): Promise<void>;
}

/** The one thing the consumer asks of the metadata: which incarnation of a topic exists now. */
export type TopicLookup = Pick<MetadataStore, 'getTopic'>;

/** What the consumer reports: messages it drops, and batches SQS will retry. */
export interface ConsumerLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** The part of an SQS record the consumer reads. */
export type DelayQueueRecord = Pick<SQSRecord, 'messageId' | 'body'>;

/** A message this early or less counts as due: SQS delays are whole seconds. */
export const EARLY_TOLERANCE_MS = 1000;

interface Received {
  readonly record: DelayQueueRecord;
  readonly envelope: DelayedEnvelope;
}

/**
 * The delay queue's consumer (behind its Lambda). For each message: still
 * early (a long delay's schedule fires 10 minutes ahead, and SQS waits at most
 * 15) → back to the delay queue for the rest of the wait; due → released to
 * the log, per topic, unless its topic was deleted or created anew meanwhile.
 * Only the records that failed are reported back, so SQS retries just those.
 *
 * A body that is not a delayed envelope is logged and dropped, not failed:
 * retrying cannot mend it, and Conveyor writes every envelope itself, so such
 * a body means a bug or a stray message, for which the log line is the record.
 *
 * @example
 * const consumer = new DelayQueueConsumer(clients, resources, metadata, log, systemClock, logger);
 * export const handler = (event: SQSEvent) => consumer.handle(event.Records);
 */
export class DelayQueueConsumer {
  private readonly queue: DelayQueue;

  public constructor(
    clients: Pick<AwsClients, 'sqs'>,
    resources: Pick<AwsResources, 'delayQueueUrl'>,
    private readonly topics: TopicLookup,
    private readonly log: ReleaseTarget,
    private readonly clock: Clock,
    private readonly logger: ConsumerLogger,
    retry: PartialRetryOptions = {},
  ) {
    this.queue = new DelayQueue(clients.sqs, resources.delayQueueUrl, retry);
  }

  public async handle(records: readonly DelayQueueRecord[]): Promise<SQSBatchResponse> {
    const now = this.clock.now();
    const early: Received[] = [];
    const due = new Map<string, Received[]>();
    for (const record of records) {
      const envelope = this.read(record);
      if (envelope === null) continue;
      if (envelope.dueAt - now > EARLY_TOLERANCE_MS) {
        early.push({ record, envelope });
      } else {
        const ofTopic = due.get(envelope.topic) ?? [];
        ofTopic.push({ record, envelope });
        due.set(envelope.topic, ofTopic);
      }
    }
    const failed = await Promise.all([this.delayAgain(early, now), ...[...due].map(([topic, received]) => this.release(topic, received))]);
    return { batchItemFailures: failed.flat().map((record) => ({ itemIdentifier: record.messageId })) };
  }

  private read(record: DelayQueueRecord): DelayedEnvelope | null {
    try {
      return decodeEnvelope(record.body);
    } catch (error) {
      this.logger.warn({ messageId: record.messageId, body: record.body.slice(0, 200), reason: (error as Error).message }, 'dropping a delay-queue message that is not a delayed envelope');
      return null;
    }
  }

  /** Sends early messages back for the rest of their wait; answers the records that could not be. */
  private async delayAgain(early: readonly Received[], now: number): Promise<DelayQueueRecord[]> {
    if (early.length === 0) return [];
    const failures = await this.queue.send(early.map((received) => ({ ...received, delaySeconds: delaySecondsUntil(received.envelope.dueAt, now) })));
    for (const { message, error } of failures) {
      this.logger.warn({ messageId: message.record.messageId, id: message.envelope.id, topic: message.envelope.topic, reason: error.message }, 'could not send an early delayed message back to the delay queue; SQS will retry it');
    }
    return failures.map((failure) => failure.message.record);
  }

  /** Releases one topic's due messages to the log; answers the records to retry. */
  private async release(topicName: string, received: readonly Received[]): Promise<DelayQueueRecord[]> {
    try {
      const topic = await this.topics.getTopic(topicName);
      const current = received.filter(({ envelope }) => topic !== null && envelope.topicCreatedAt === topic.createdAt);
      if (current.length < received.length) {
        const gone = received.filter((item) => !current.includes(item)).map(({ envelope }) => ({ id: envelope.id, topicCreatedAt: envelope.topicCreatedAt }));
        this.logger.warn({ topic: topicName, topicCreatedAt: topic?.createdAt ?? null, dropped: gone }, 'dropping delayed messages whose topic was deleted or created anew');
      }
      if (topic === null || current.length === 0) return [];
      await this.log.release(topic, inDueOrder(current).map(toReleasedEntry));
      return [];
    } catch (error) {
      this.logger.warn({ topic: topicName, ids: received.map(({ envelope }) => envelope.id), reason: (error as Error).message }, 'could not release due delayed messages; SQS will retry them');
      return received.map(({ record }) => record);
    }
  }
}

/**
 * The envelopes in due order, each message id once: SQS delivers at least
 * once, so a batch may hold the same message twice.
 */
function inDueOrder(received: readonly Received[]): DelayedEnvelope[] {
  const byId = new Map<string, DelayedEnvelope>();
  for (const { envelope } of received) if (!byId.has(envelope.id)) byId.set(envelope.id, envelope);
  return [...byId.values()].sort((a, b) => a.dueAt - b.dueAt);
}
