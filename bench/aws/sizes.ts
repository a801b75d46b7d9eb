import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Billing sizes, computed the way each service documents them. They turn the
 * requests the backend sends into the units AWS bills.
 */

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** DynamoDB's size of a number: about one byte per two significant digits, plus one. */
function numberBytes(text: string): number {
  const digits = text.replace(/^-/, '').replace(/[.eE].*$/, '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** Size of one attribute value, by DynamoDB's item size rules. */
export function attributeValueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, item) => sum + utf8(item), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, item) => sum + numberBytes(item), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, item) => sum + item.byteLength, 0);
  // Lists and maps: 3 bytes, plus one per element, plus the elements.
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + attributeValueBytes(item), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, item]) => sum + 1 + utf8(name) + attributeValueBytes(item), 0);
  return 0;
}

/** Size of an item: the names and values of its attributes. */
export function itemBytes(item: Readonly<Record<string, AttributeValue>> | undefined): number {
  if (item === undefined) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + attributeValueBytes(value), 0);
}

/** Write request units of one write of an item: 1 per KB started (at least 1); a transactional write takes twice that. */
export function writeUnits(bytes: number, transactional: boolean): number {
  return Math.max(1, Math.ceil(bytes / 1024)) * (transactional ? 2 : 1);
}

/** Read request units of reading `bytes` (one item, or a Query's items together): per 4 KB started, at least one read. */
export function readUnits(bytes: number, consistency: 'eventual' | 'strong' | 'transactional'): number {
  const reads = Math.max(1, Math.ceil(bytes / 4096));
  return consistency === 'eventual' ? reads / 2 : consistency === 'strong' ? reads : reads * 2;
}

/** EventBridge's size of a PutEvents entry (Time counts 14 bytes); billed per 64 KB chunk. */
export function eventBridgeEntryBytes(entry: { Source?: string; DetailType?: string; Detail?: string; Resources?: string[]; Time?: Date }): number {
  return (
    (entry.Time === undefined ? 0 : 14) +
    utf8(entry.Source ?? '') +
    utf8(entry.DetailType ?? '') +
    utf8(entry.Detail ?? '') +
    (entry.Resources ?? []).reduce((sum, resource) => sum + utf8(resource), 0)
  );
}

/** Chunks of 64 KB a payload is billed as (SQS requests, SNS publishes, EventBridge events), at least one. */
export function chunks64k(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 65_536));
}

/** Size of an SQS message as SQS counts it: body plus attribute names, types and values. */
export function sqsMessageBytes(message: {
  MessageBody?: string;
  Body?: string;
  MessageAttributes?: Record<string, { DataType?: string; StringValue?: string; BinaryValue?: Uint8Array }>;
}): number {
  const body = utf8(message.MessageBody ?? message.Body ?? '');
  const attributes = Object.entries(message.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) => sum + utf8(name) + utf8(value.DataType ?? '') + utf8(value.StringValue ?? '') + (value.BinaryValue?.byteLength ?? 0),
    0,
  );
  return body + attributes;
}
