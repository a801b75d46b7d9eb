import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Logger } from 'pino';

export type QueueHandler = (records: SQSRecord[]) => Promise<SQSBatchResponse | void>;

/**
 * Does what Lambda's SQS event source mapping does, for a handler in this
 * process: receives up to 10 messages, invokes the handler, deletes the ones it
 * did not report in `batchItemFailures` (ReportBatchItemFailures), and leaves
 * the failed ones to come back after their visibility timeout. A handler that
 * throws fails the whole batch.
 *
 * @example
 * const poller = new QueuePoller(sqs, delayQueueUrl, delayQueueArn, consumer, logger);
 * await poller.pollOnce(0);
 */
export class QueuePoller {
  public constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly queueArn: string,
    private readonly handler: QueueHandler,
    private readonly logger: Logger,
  ) {}

  /** One receive (waiting up to `waitSeconds`) and one invocation; returns how many messages were handled. */
  public async pollOnce(waitSeconds: number, signal?: AbortSignal): Promise<number> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    if (Messages === undefined || Messages.length === 0) return 0;
    const records = Messages.map((message) => this.toRecord(message));
    let failed = new Set<string>();
    try {
      const response = await this.handler(records);
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.logger.warn({ err: error, messages: records.length }, 'queue handler threw; the batch comes back after its visibility timeout');
      return records.length;
    }
    const done = Messages.filter((message) => !failed.has(message.MessageId ?? ''));
    if (done.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })) }),
      );
    }
    return records.length;
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes['ApproximateReceiveCount'] ?? '1',
        SentTimestamp: attributes['SentTimestamp'] ?? '0',
        SenderId: attributes['SenderId'] ?? '',
        ApproximateFirstReceiveTimestamp: attributes['ApproximateFirstReceiveTimestamp'] ?? '0',
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.queueArn,
      awsRegion: this.queueArn.split(':')[3] ?? 'us-east-1',
    };
  }
}
