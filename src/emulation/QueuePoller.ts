import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { SqsQueue } from '../adapters/aws/sqs/SqsQueue.js';
import { ConfigurationError, StorageError } from '../domain/errors.js';
import { recordAttributes, recordMessageAttributes, sqsRecord } from './sqsRecords.js';

export type QueueHandler = (records: SQSRecord[]) => Promise<SQSBatchResponse | void>;

export interface QueuePollerOptions {
  /** Messages per invocation, 1–10 (one ReceiveMessage call). @default 10 */
  readonly batchSize?: number;
}

/** The most one ReceiveMessage call returns. */
const MAX_RECEIVE = 10;

/**
 * Does what Lambda's SQS event source mapping does, for a handler in this
 * process: receives up to `batchSize` messages (with the queue's visibility
 * timeout), invokes the handler with records shaped as Lambda shapes them
 * (sqsRecords.ts), deletes the ones it did not report in `batchItemFailures`
 * (ReportBatchItemFailures), and leaves the failed ones to come back after
 * their visibility timeout. A handler that throws, or reports an identifier
 * that is not in the batch, fails the whole batch.
 *
 * @example
 * const poller = new QueuePoller(sqs, delayQueueUrl, delayQueueArn, consumer, logger);
 * await poller.pollOnce(0);
 */
export class QueuePoller {
  private readonly batchSize: number;
  /** The queue as the adapters see it, for its deletes (batched, with per-entry retries of SQS's own failures). */
  private readonly queue: SqsQueue;

  public constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly queueArn: string,
    private readonly handler: QueueHandler,
    private readonly logger: Logger,
    options: QueuePollerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? MAX_RECEIVE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > MAX_RECEIVE) {
      throw new ConfigurationError(`the emulated event source mapping takes a batch size between 1 and ${MAX_RECEIVE}, but ${this.batchSize} was provided`);
    }
    this.queue = new SqsQueue(sqs, queueUrl, false, () => new StorageError(`the event source mapping's queue ${queueUrl} does not exist`));
  }

  /** One receive (waiting up to `waitSeconds`) and one invocation; returns how many messages were handled. */
  public async pollOnce(waitSeconds: number, signal?: AbortSignal): Promise<number> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: this.batchSize, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
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
    const unknown = [...failed].find((id) => !records.some((record) => record.messageId === id));
    if (unknown !== undefined) {
      // As Lambda does: an identifier that names no message of the batch fails the whole batch.
      this.logger.warn({ itemIdentifier: unknown, messages: records.length }, 'queue handler reported a message that is not in the batch; the batch comes back after its visibility timeout');
      return records.length;
    }
    const done = Messages.filter((message) => !failed.has(message.MessageId ?? ''));
    if (done.length > 0) await this.delete(done);
    return records.length;
  }

  /**
   * Deletes what the handler finished, retrying the entries SQS failed on its
   * side (Lambda does not document what its poller does there; a poller that
   * gave up at once would hand whole packs over twice); what still fails comes
   * back after the visibility timeout, to be handled again.
   */
  private async delete(messages: readonly Message[]): Promise<void> {
    try {
      await this.queue.delete(messages.map((message) => message.ReceiptHandle ?? ''));
    } catch (error) {
      this.logger.warn({ err: error, queue: this.queueUrl }, 'event source mapping: handled messages could not be deleted; they come back');
    }
  }

  private toRecord(message: Message): SQSRecord {
    return sqsRecord({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      queueArn: this.queueArn,
      attributes: recordAttributes(message.Attributes ?? {}),
      messageAttributes: recordMessageAttributes(message.MessageAttributes),
    });
  }
}
