/**
 * Ack ids are opaque to clients. Inside: the subscription's row id (so an id from
 * a deleted and re-created subscription is refused), the message's log seq, and
 * the lease token that changes with every lease.
 */
export interface AckIdParts {
  readonly subId: number;
  readonly seq: number;
  readonly token: number;
}

export function encodeAckId(parts: AckIdParts): string {
  return Buffer.from(`${parts.subId}.${parts.seq}.${parts.token}`).toString('base64url');
}

export function decodeAckId(ackId: string): AckIdParts | null {
  if (ackId.length > 100) return null;
  const fields = Buffer.from(ackId, 'base64url').toString('utf8').split('.');
  if (fields.length !== 3 || !fields.every((field) => /^\d{1,15}$/.test(field))) return null;
  const [subId, seq, token] = fields.map(Number) as [number, number, number];
  return { subId, seq, token };
}
