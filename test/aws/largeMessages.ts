import { ResponseLimits } from '../../src/domain/constants.js';
import { storedMessageBytes } from '../../src/domain/messageSize.js';
import type { Message, Topic } from '../../src/domain/types.js';
import { messagesOf } from './sqsFixtures.js';

/** The smallest budget an operator can set: two LARGE messages fit, a third does not. */
export const SMALL_BUDGET = ResponseLimits.bytes.min;
export const LARGE = 200 * 1024;

/** Messages like `messagesOf`, each body `{ label, pad }` padded to about LARGE bytes. */
export function largeMessagesOf(topic: Topic, labels: readonly string[], firstOffset: number): Message[] {
  return messagesOf(topic, labels, {}, firstOffset).map((message, index) => ({ ...message, body: { label: labels[index] ?? '', pad: 'x'.repeat(LARGE) } }));
}

/** What `messages` count against a response's budget. */
export function storedBytesOf(messages: readonly Message[]): number {
  return messages.reduce((sum, message) => sum + storedMessageBytes(message), 0);
}
