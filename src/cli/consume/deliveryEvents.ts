import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { fifoGroupId, relayDeduplicationId } from '../../adapters/aws/sqs/fifo.js';
import { encodeQueuedMessage, EVENT_SOURCE, toQueuedMessage } from '../../adapters/aws/sqs/queueMessages.js';
import { subscriptionResourceNames } from '../../adapters/aws/names.js';
import type { Delivery, Subscription, Topic } from '../../domain/types.js';
import { sqsRecord } from '../../emulation/sqsRecords.js';

/** The account of the ARNs made up here; the emulators' default. */
const LOCAL_ACCOUNT = '000000000000';
/** The resource prefix whose queue names the made-up ARNs use: ConveyorStack's default. */
const LOCAL_PREFIX = 'conveyor';
/** SenderId of the records: who sent the message into the queue on AWS (EventBridge, or the relay's role). */
const SENDER_ID = 'AROA000000000000LOCAL:conveyor-consume';

/** One invocation's event, and the ack id behind each record's SQS message id. */
export interface DeliveryBatch {
  readonly event: SQSEvent;
  readonly ackIds: ReadonlyMap<string, string>;
}

/**
 * The ARN of the subscription's queue: the real one where the API names it
 * (the AWS backend's `aws.queueArn`), else the one the AWS backend would give
 * it under the default prefix (`conveyor-s-<digest>`, `.fifo` when ordered).
 *
 * @example
 * subscriptionQueueArn(subscription, 'us-east-1'); // 'arn:aws:sqs:us-east-1:000000000000:conveyor-s-…'
 */
export function subscriptionQueueArn(subscription: Pick<Subscription, 'topic' | 'name' | 'createdAt' | 'ordered'> & { readonly aws?: { readonly queueArn?: string } }, region: string): string {
  return subscription.aws?.queueArn ?? `arn:aws:sqs:${region}:${LOCAL_ACCOUNT}:${subscriptionResourceNames(LOCAL_PREFIX, subscription).queue}`;
}

/**
 * Turns pulled deliveries into the SQS event Lambda's event source mapping
 * would deliver for the same messages on AWS: record bodies encoded as
 * Conveyor encodes them there (queueMessages.ts), that is the EventBridge event
 * around the message for an unordered subscription and the queued message
 * itself for an ordered one, whose records are FIFO records (message group =
 * the key, as `fifoGroupId` makes it; sequence number; deduplication id = the
 * relay's). `ApproximateReceiveCount` is the delivery attempt.
 *
 * @example
 * const events = new DeliveryEvents({ topic, subscription, queueArn, region: 'us-east-1' });
 * const { event, ackIds } = events.batch(deliveries, Date.now());
 */
export class DeliveryEvents {
  private sequence = 0n;

  public constructor(
    private readonly queue: {
      readonly topic: Pick<Topic, 'name' | 'createdAt'>;
      readonly subscription: Pick<Subscription, 'ordered'>;
      readonly queueArn: string;
      readonly region: string;
    },
  ) {}

  public batch(deliveries: readonly Delivery[], now: number): DeliveryBatch {
    const ackIds = new Map<string, string>();
    const records = deliveries.map((delivery) => {
      // Stable across redeliveries, as SQS keeps a message's id; a second copy in one batch (after a seek) gets its own.
      let messageId = uuidOf('sqs', this.queue.queueArn, String(delivery.partition), String(delivery.offset), delivery.id);
      if (ackIds.has(messageId)) messageId = uuidOf('sqs', delivery.ackId);
      ackIds.set(messageId, delivery.ackId);
      return this.record(delivery, messageId, now);
    });
    return { event: { Records: records }, ackIds };
  }

  private record(delivery: Delivery, messageId: string, now: number): SQSRecord {
    const sentAt = Date.parse(delivery.publishedAt);
    const common = {
      ApproximateReceiveCount: String(delivery.deliveryAttempt),
      SentTimestamp: String(Number.isFinite(sentAt) ? sentAt : now),
      SenderId: SENDER_ID,
      ApproximateFirstReceiveTimestamp: String(now),
    };
    if (this.queue.subscription.ordered) {
      this.sequence += 1n;
      return sqsRecord({
        messageId,
        receiptHandle: delivery.ackId,
        body: encodeQueuedMessage(delivery),
        queueArn: this.queue.queueArn,
        attributes: {
          ...common,
          SequenceNumber: String(BigInt(now) * 1_000_000n + this.sequence),
          MessageGroupId: fifoGroupId(delivery),
          MessageDeduplicationId: relayDeduplicationId(this.queue.topic, delivery),
        },
      });
    }
    return sqsRecord({ messageId, receiptHandle: delivery.ackId, body: JSON.stringify(this.busEvent(delivery)), queueArn: this.queue.queueArn, attributes: common });
  }

  /** The event EventBridge hands a rule's SQS target (no input transformer): its envelope around the relay's `detail`. */
  private busEvent(delivery: Delivery): Record<string, unknown> {
    return {
      version: '0',
      id: uuidOf('event', this.queue.topic.name, String(delivery.partition), String(delivery.offset)),
      'detail-type': delivery.topic,
      source: EVENT_SOURCE,
      account: LOCAL_ACCOUNT,
      // EventBridge's `time` has whole seconds.
      time: new Date(Math.floor(Date.parse(delivery.publishedAt) / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      region: this.queue.region,
      resources: [],
      detail: toQueuedMessage(delivery),
    };
  }
}

/** A UUID (version 4 layout) derived from `parts`, so the same parts always give the same id. */
function uuidOf(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
