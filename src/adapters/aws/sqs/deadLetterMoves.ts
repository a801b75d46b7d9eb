import { StorageError } from '../../../domain/errors.js';
import type { Message, Subscription } from '../../../domain/types.js';
import type { MessageLog } from '../../../ports/MessageLog.js';
import type { MetadataStore } from '../../../ports/MetadataStore.js';
import type { Telemetry } from '../../../ports/Telemetry.js';
import { fifoGroupId, uniqueDeduplicationId } from './fifo.js';
import type { SubscriptionQueuePair } from './QueueDirectory.js';
import { deadLetterAttributes, encodeQueuedMessage, type DeadLetterInfo } from './queueMessages.js';
import type { OutgoingSqsMessage } from './SqsQueue.js';

/** A leased message to dead-letter: its content, its lease, and what its dead letter records. */
export interface DeadLetterCandidate {
  readonly message: Message;
  readonly receiptHandle: string;
  readonly info: DeadLetterInfo;
}

/** A log message or dead letter as an SQS message: FIFO group by key, a deduplication id of its own. */
export function outgoingCopy(kind: string, message: Message, info?: DeadLetterInfo): OutgoingSqsMessage {
  return {
    body: encodeQueuedMessage(message),
    ...(info === undefined ? {} : { attributes: deadLetterAttributes(info) }),
    group: fifoGroupId(message),
    deduplicationId: uniqueDeduplicationId(kind, message),
  };
}

/**
 * Moves leased messages to the subscription's dead-letter queue: a copy with
 * the dead-letter attributes first, then the original deleted. A copy SQS
 * refuses leaves its original where it is (its lease runs out, and a later
 * receive moves it); that is a bug, so it fails loudly. Returns the receipt
 * handles of the messages moved.
 */
export async function moveToDeadLetters(
  subscription: Subscription,
  queues: SubscriptionQueuePair,
  candidates: readonly DeadLetterCandidate[],
  telemetry: Telemetry,
): Promise<string[]> {
  if (candidates.length === 0) return [];
  const copies = candidates.map((candidate) => ({ candidate, copy: outgoingCopy('dead', candidate.message, candidate.info) }));
  const refused = await queues.deadLetterQueue.send(copies.map(({ copy }) => copy));
  const refusedCopies = new Set(refused.map((failure) => failure.entry));
  const moved = copies.filter(({ copy }) => !refusedCopies.has(copy)).map(({ candidate }) => candidate.receiptHandle);
  // A delete SQS refuses means the lease ended meanwhile: the copy stays, as a duplicate dead letter at worst.
  await queues.queue.delete(moved);
  if (moved.length > 0) telemetry.deadLettered(subscription.topic, subscription.name, moved.length);
  const [first] = refused;
  if (first !== undefined) throw new StorageError(`SQS refused a dead letter of subscription ${JSON.stringify(subscription.name)}: ${first.code}: ${first.message}`);
  return moved;
}

/**
 * Reads a log message back by its position: SQS hands out a message's content
 * only on receive, so a nack that dead-letters a message copies it from the log.
 * Null when the log no longer holds it (retention).
 */
export type LogMessageSource = (subscription: Subscription, position: { readonly partition: number; readonly offset: number }) => Promise<Message | null>;

/**
 * A LogMessageSource over the broker's ports: the topic's current incarnation
 * from the metadata, one read of one message from the log.
 *
 * @example
 * const source = logMessageSource(backend.metadata, backend.log);
 */
export function logMessageSource(metadata: Pick<MetadataStore, 'getTopic'>, log: Pick<MessageLog, 'read'>): LogMessageSource {
  return async (subscription, position) => {
    const topic = await metadata.getTopic(subscription.topic);
    if (topic === null) return null;
    const page = await log.read(topic, position.partition, { offset: position.offset }, 1);
    const [message] = page.messages;
    return message !== undefined && message.offset === position.offset ? message : null;
  };
}
