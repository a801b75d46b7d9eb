import { createHash, randomBytes } from 'node:crypto';
import type { Message, Topic } from '../../../domain/types.js';
import { topicKey } from '../names.js';

/** What SQS allows in MessageGroupId and MessageDeduplicationId: 1–128 ASCII letters, digits and punctuation. */
const FIFO_TOKEN = /^[\x21-\x7e]{1,128}$/;

function token(value: string): string {
  return FIFO_TOKEN.test(value) ? value : `#${createHash('sha256').update(value).digest('hex')}`;
}

/**
 * The FIFO message group of a message: its key, so SQS hands out one key's
 * messages one at a time and in order; a message without a key is a group of
 * its own (its id), held back by nothing. A key SQS would refuse (longer than
 * 128 characters, or beyond printable ASCII) becomes `#` + its SHA-256.
 */
export function fifoGroupId(message: Pick<Message, 'key' | 'id'>): string {
  return token(message.key ?? `id:${message.id}`);
}

/**
 * Deduplication id of the relay's copy of a message: its log position. A
 * relay retry of the same stream records sends the same ids, and SQS drops
 * the copies it has already (within its 5-minute window).
 */
export function relayDeduplicationId(topic: Pick<Topic, 'name' | 'createdAt'>, message: Pick<Message, 'partition' | 'offset'>): string {
  return token(`${topicKey(topic)}:${message.partition}:${message.offset}`);
}

/** Deduplication id of a deliberate extra copy (requeue, dead letter, redrive): never equal to another. */
export function uniqueDeduplicationId(kind: string, message: Pick<Message, 'partition' | 'offset'>): string {
  return `${kind}:${message.partition}:${message.offset}:${randomBytes(12).toString('hex')}`;
}
