import type { SQSRecord } from 'aws-lambda';
import { decodeQueueBody } from '../adapters/aws/sqs/queueMessages.js';
import type { Json } from '../domain/types.js';
import { UndecodableMessageError } from './errors.js';
import type { BoundSubscription } from './subscriptionQueues.js';
import type { ConsumedMessage } from './types.js';

/**
 * The message an SQS record of a subscription queue carries, decoded the way
 * a pull decodes it (decodeQueueBody: the queued message itself, as the
 * unpacker and the relay send it, or the EventBridge event around it that the
 * rule of a subscription created before packs delivers), with
 * the subscription and the delivery attempt (ApproximateReceiveCount).
 *
 * @example
 * const message = decodeRecord(record, { topic: 'orders', subscription: 'billing' });
 */
export function decodeRecord<TBody = Json>(record: SQSRecord, bound: BoundSubscription): ConsumedMessage<TBody> {
  const message = decodeQueueBody(record.body);
  if (message === null) {
    throw new UndecodableMessageError(record.messageId, `SQS message ${record.messageId} of ${record.eventSourceARN} is not a Conveyor message: its body is neither a Conveyor event nor a queued message`);
  }
  if (message.topic !== bound.topic) {
    throw new UndecodableMessageError(
      record.messageId,
      `message ${JSON.stringify(message.id)} is of topic ${JSON.stringify(message.topic)}, but its queue ${record.eventSourceARN} is bound to ${bound.topic}/${bound.subscription}`,
    );
  }
  const attempt = Number(record.attributes.ApproximateReceiveCount);
  return {
    id: message.id,
    topic: message.topic,
    subscription: bound.subscription,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    attributes: message.attributes,
    body: message.body as TBody,
    publishedAt: message.publishedAt,
    deliveryAttempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
  };
}
