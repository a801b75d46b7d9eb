import { createHash } from 'node:crypto';
import { AckLimits } from '../../../domain/constants.js';
import type { Subscription } from '../../../domain/types.js';
import type { AckIdSigner } from './AckIdSigner.js';

/**
 * An ack id on SQS: the receipt handle of one receive, plus what ack, nack
 * and extend need without another lookup.
 */
export interface SqsAckId {
  /** Which subscription, in which incarnation, leased the message (`subscriptionTag`). */
  readonly subscriptionTag: string;
  /** The delivery attempt this lease is (ApproximateReceiveCount at the receive). */
  readonly attempt: number;
  /** When the receive happened, epoch ms floored to the second: SQS ends any lease 12 hours after it. */
  readonly receivedAt: number;
  /** The message's log position, to copy it into the dead-letter queue when a nack dead-letters it. */
  readonly partition: number;
  readonly offset: number;
  readonly receiptHandle: string;
}

/** Version 2 is signed; version 1 ids (unsigned) are refused like any other unknown id. */
const VERSION = '2';
const HEADER = /^2([0-9a-f]{8})\.([0-9a-z]{1,4})\.([0-9a-z]{1,9})\.([0-9a-z]{1,3})\.([0-9a-z]{1,11})$/;
/** SQS receipt handles are base64 text of up to 1024 characters (moto's: 185 lowercase letters); never a dot. */
const RECEIPT_HANDLE = /^[A-Za-z0-9+/=_-]{1,1024}$/;

/** 8 hex digits naming one subscription incarnation: an ack id of a re-created subscription of the same name is refused. */
export function subscriptionTag(subscription: Pick<Subscription, 'topic' | 'name' | 'createdAt'>): string {
  return createHash('sha256').update(`${subscription.topic}\u0000${subscription.name}\u0000${subscription.createdAt}`).digest('hex').slice(0, 8);
}

/**
 * `<header>.<signature>.<receipt handle>`: the header (version, tag, attempt,
 * receive second, partition, offset) in base64url, the signature of
 * `<header>.<receipt handle>` (AckIdSigner), then the receipt handle as SQS
 * gave it. The signature covers every field a client could edit, the handle
 * included, so a client cannot point a nack at another message's copy or
 * change the attempt. The handle is not re-encoded: base64url would make it a
 * third longer, and SQS handles are long already. At most 1,102 characters.
 *
 * @example
 * encodeAckId({ subscriptionTag: 'a1b2c3d4', attempt: 1, receivedAt, partition: 0, offset: 7, receiptHandle }, signer);
 */
export function encodeAckId(parts: SqsAckId, signer: AckIdSigner): string {
  const fields = [parts.attempt, Math.floor(parts.receivedAt / 1000), parts.partition, parts.offset].map((value) => value.toString(36));
  const header = Buffer.from(`${VERSION}${parts.subscriptionTag}.${fields.join('.')}`, 'utf8').toString('base64url');
  return `${header}.${signer.sign(`${header}.${parts.receiptHandle}`)}.${parts.receiptHandle}`;
}

/**
 * The parts of an ack id this deployment signed, or null for anything else: a
 * malformed id, an unsigned one, or one whose signature does not match (a field
 * altered, or signed with another key). Never throws.
 */
export function decodeAckId(ackId: string, signer: AckIdSigner): SqsAckId | null {
  if (ackId.length > AckLimits.ackIdLength) return null;
  const pieces = ackId.split('.');
  if (pieces.length !== 3) return null;
  const [header, signature, receiptHandle] = pieces as [string, string, string];
  if (!RECEIPT_HANDLE.test(receiptHandle) || !signer.verify(`${header}.${receiptHandle}`, signature)) return null;
  const text = Buffer.from(header, 'base64url').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64url') !== header) return null;
  const match = HEADER.exec(text);
  if (match === null) return null;
  const [, tag, attempt, receivedAt, partition, offset] = match as unknown as [string, string, string, string, string, string];
  return {
    subscriptionTag: tag,
    attempt: parseInt(attempt, 36),
    receivedAt: parseInt(receivedAt, 36) * 1000,
    partition: parseInt(partition, 36),
    offset: parseInt(offset, 36),
    receiptHandle,
  };
}
