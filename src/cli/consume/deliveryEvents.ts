import { createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { fifoGroupId, relayDeduplicationId } from '../../adapters/aws/sqs/fifo.js';
import { encodeQueuedMessage } from '../../adapters/aws/sqs/queueMessages.js';
import { subscriptionResourceNames } from '../../adapters/aws/names.js';
import type { Delivery, Subscription, Topic } from '../../domain/types.js';
import { sqsRecord } from '../../emulation/sqsRecords.js';

/** The account of the ARNs made up here; the emulators' default. */
const LOCAL_ACCOUNT = '000000000000';
/** The resource prefix whose queue names the made-up ARNs use: ConveyorStack's default. */
const LOCAL_PREFIX = 'conveyor';
/** SenderId of the records: who sent the message into the queue on AWS (the unpacker's or the relay's role). */
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
 * Conveyor encodes them there (queueMessages.ts): the queued message, as the
 * unpacker sends it to an unordered subscription's queue and the relay to an
 * ordered one's, whose records are FIFO records (message group =
 * the key, as `fifoGroupId` makes it; sequence number; deduplication id = the
 * relay's). `ApproximateReceiveCount` is the delivery attempt.
 *
 * @example
 * const events = new DeliveryEvents({ topic, subscription, queueArn });
 * const { event, ackIds } = events.batch(deliveries, Date.now());
 */
export class DeliveryEvents {
  private sequence = 0n;

  public constructor(
    private readonly queue: {
      readonly topic: Pick<Topic, 'name' | 'createdAt'>;
      readonly subscription: Pick<Subscription, 'ordered'>;
      readonly queueArn: string;
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
    return sqsRecord({ messageId, receiptHandle: delivery.ackId, body: encodeQueuedMessage(delivery), queueArn: this.queue.queueArn, attributes: common });
  }
}

/** A UUID (version 4 layout) derived from `parts`, so the same parts always give the same id. */
function uuidOf(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
