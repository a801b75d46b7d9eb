import { PublishLimits } from './constants.js';
import { PayloadTooLargeError } from './errors.js';
import type { Json } from './types.js';

/** The parts of a message that its stored size counts. */
export interface SizedMessage {
  readonly body: Json;
  readonly key?: string | null;
  readonly id?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/**
 * UTF-8 bytes of a message as it is stored: the serialized body, the key, the id
 * and every attribute name and value. `PublishLimits.messageBytes` bounds it.
 *
 * @example
 * storedMessageBytes({ body: { total: 42 }, key: 'customer-7', attributes: { region: 'eu' } }); // 34
 * storedMessageBytes(message, row.body); // a stored message: its body as the store keeps it, not serialized again
 */
export function storedMessageBytes(message: SizedMessage, bodyText: string = JSON.stringify(message.body)): number {
  let size = Buffer.byteLength(bodyText);
  if (message.key !== undefined && message.key !== null) size += Buffer.byteLength(message.key);
  if (message.id !== undefined) size += Buffer.byteLength(message.id);
  for (const [name, value] of Object.entries(message.attributes ?? {})) size += Buffer.byteLength(name) + Buffer.byteLength(value);
  return size;
}

/**
 * Refuses a message over PublishLimits.messageBytes with PayloadTooLarge (413),
 * naming where it is in the request and its size. Returns the serialized body.
 */
export function checkMessageSize(message: SizedMessage, where: string): string {
  const bodyText = JSON.stringify(message.body);
  const size = storedMessageBytes(message, bodyText);
  if (size > PublishLimits.messageBytes) throw new PayloadTooLargeError(`${where} (body serialized, key, id and attributes)`, PublishLimits.messageBytes, size);
  return bodyText;
}
