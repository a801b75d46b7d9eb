import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/** What Lambda's SQS event source mapping puts in a record's `attributes`, FIFO ones included when the queue is FIFO. */
export interface SqsRecordAttributes {
  readonly ApproximateReceiveCount: string;
  readonly SentTimestamp: string;
  readonly SenderId: string;
  readonly ApproximateFirstReceiveTimestamp: string;
  readonly SequenceNumber?: string;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}

/** One received message, as a record is made of it. */
export interface SqsRecordInput {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly queueArn: string;
  readonly attributes: SqsRecordAttributes;
  readonly messageAttributes?: SQSMessageAttributes;
}

/**
 * An SQS record exactly as Lambda's event source mapping delivers it
 * (`eventSource` `aws:sqs`, the queue's ARN and region, the body's MD5). The
 * emulated mappings (QueuePoller) and `conveyor consume` both build their
 * records here, so a handler sees one shape wherever it runs.
 *
 * @example
 * const record = sqsRecord({ messageId, receiptHandle, body, queueArn, attributes: { ApproximateReceiveCount: '1', SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp } });
 */
export function sqsRecord(input: SqsRecordInput): SQSRecord {
  return {
    messageId: input.messageId,
    receiptHandle: input.receiptHandle,
    body: input.body,
    attributes: input.attributes,
    messageAttributes: input.messageAttributes ?? {},
    md5OfBody: createHash('md5').update(input.body, 'utf8').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: input.queueArn,
    awsRegion: input.queueArn.split(':')[3] ?? 'us-east-1',
  };
}

/** The system attributes a record carries, from a ReceiveMessage answer (requested with `All`). */
export function recordAttributes(received: Readonly<Partial<Record<string, string>>>): SqsRecordAttributes {
  const fifo = received['MessageGroupId'] === undefined ? {} : { MessageGroupId: received['MessageGroupId'], SequenceNumber: received['SequenceNumber'] ?? '', MessageDeduplicationId: received['MessageDeduplicationId'] ?? '' };
  return {
    ApproximateReceiveCount: received['ApproximateReceiveCount'] ?? '1',
    SentTimestamp: received['SentTimestamp'] ?? '0',
    SenderId: received['SenderId'] ?? '',
    ApproximateFirstReceiveTimestamp: received['ApproximateFirstReceiveTimestamp'] ?? '0',
    ...fifo,
  };
}

/** Message attributes as a record carries them (lower camel case, binary values in base64), from a ReceiveMessage answer. */
export function recordMessageAttributes(received: Readonly<Record<string, MessageAttributeValue>> | undefined): SQSMessageAttributes {
  const attributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(received ?? {})) {
    attributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((binary) => Buffer.from(binary).toString('base64')),
    };
  }
  return attributes;
}
