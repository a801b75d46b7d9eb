/** Most characters of a nack reason the API takes (NackRequest, reason). */
export const MAX_NACK_REASON_LENGTH = 1024;

/**
 * A failure's message as a nack reason the API takes: cut to 1024
 * characters (the last one an ellipsis), and none when empty.
 *
 * @example
 * await client.nack(topic, sub, { ackIds, ...(nackReason(error.message) === undefined ? {} : { reason: nackReason(error.message) }) });
 */
export function nackReason(message: string): string | undefined {
  if (message === '') return undefined;
  return message.length > MAX_NACK_REASON_LENGTH ? `${message.slice(0, MAX_NACK_REASON_LENGTH - 1)}…` : message;
}
