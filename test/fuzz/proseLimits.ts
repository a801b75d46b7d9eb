import { PublishLimits } from '../../src/domain/constants.js';

/**
 * Limits docs/openapi.yaml states in prose (publishMessages, PayloadTooLarge) rather
 * than in schema keywords, keyed by the schema they bind. The numbers come from
 * the constants the document restates.
 */
export interface MessageLimits {
  /** Objects and arrays in `body` nest at most this deep. */
  readonly bodyDepth: number;
  /** UTF-8 bytes of the serialized body, the key, the id and every attribute name and value. */
  readonly messageBytes: number;
}

const MESSAGE: MessageLimits = { bodyDepth: PublishLimits.bodyDepth, messageBytes: PublishLimits.messageBytes };

export const PROSE_LIMITS: Readonly<Record<string, MessageLimits>> = {
  '#/components/schemas/OutgoingMessage': MESSAGE,
  // A schedule publishes its message at every tick, so the message limits bind it when it is stored.
  '#/components/schemas/ScheduledMessage': MESSAGE,
};

/** Every request body is at most this many bytes (413 PayloadTooLarge). */
export const REQUEST_BYTES = PublishLimits.requestBytes;

/** How deep objects and arrays nest; iterative, so any input is safe. `{}` and `[]` are depth 1. */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** The stored size of a message as the limit counts it. */
export function messageBytes(message: Readonly<Record<string, unknown>>): number {
  const text = (value: unknown): number => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  let size = Buffer.byteLength(JSON.stringify(message['body']) ?? '');
  size += text(message['key']) + text(message['id']);
  const attributes = message['attributes'];
  if (typeof attributes === 'object' && attributes !== null) {
    for (const [name, value] of Object.entries(attributes)) size += Buffer.byteLength(name) + text(value);
  }
  return size;
}
