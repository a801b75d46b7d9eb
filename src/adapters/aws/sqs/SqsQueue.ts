import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type MessageAttributeValue,
  type QueueAttributeName,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ConveyorError } from '../../../domain/errors.js';
import { awsErrorName, isTransientAwsError, translateAwsError } from '../awsErrors.js';
import type { PartialRetryOptions } from '../batches.js';
import { MAX_BATCH_ENTRIES, MAX_SQS_BATCH_BYTES, packBatches, runBatches, sqsBatchOutcome, type BatchOutcome, type EntryFailure } from './batchEntries.js';

/** SQS's longest visibility timeout (lease): 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;
/** SQS's longest long-poll. */
export const MAX_WAIT_SECONDS = 20;

/** One message as a receive handed it out. */
export interface ReceivedSqsMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** ApproximateReceiveCount: this receive included. */
  readonly receiveCount: number;
  /** SentTimestamp, epoch ms. */
  readonly sentAt: number;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
}

/** A message to send. `group` and `deduplicationId` are required by FIFO queues and ignored otherwise. */
export interface OutgoingSqsMessage {
  readonly body: string;
  readonly attributes?: Readonly<Record<string, MessageAttributeValue>>;
  readonly group?: string;
  readonly deduplicationId?: string;
}

export interface ReceiveRequest {
  readonly max: number;
  readonly waitSeconds: number;
  readonly visibilitySeconds: number;
  readonly signal?: AbortSignal;
}

export interface VisibilityChange {
  readonly receiptHandle: string;
  readonly seconds: number;
}

/**
 * One SQS queue, by URL: the calls the work queues and dead-letter queues
 * make, batched wherever SQS allows, with per-entry retries of entries a batch
 * reports as the service's fault. Every SDK error leaves as a Conveyor error;
 * a missing queue becomes whatever `missing()` says (SubscriptionNotFound).
 *
 * @example
 * const queue = new SqsQueue(sqs, url, false, () => new SubscriptionNotFoundError(topic, name));
 * const messages = await queue.receive({ max: 10, waitSeconds: 0, visibilitySeconds: 30 });
 */
export class SqsQueue {
  public constructor(
    private readonly sqs: SQSClient,
    public readonly url: string,
    public readonly fifo: boolean,
    private readonly missing: () => ConveyorError,
    private readonly retry: PartialRetryOptions = {},
  ) {}

  /** One ReceiveMessage call (up to 10 messages). An aborted long-poll answers nothing. */
  public async receive(request: ReceiveRequest): Promise<ReceivedSqsMessage[]> {
    const answer = await this.call('receive messages', (abortSignal) =>
      this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.url,
          MaxNumberOfMessages: Math.min(MAX_BATCH_ENTRIES, Math.max(1, request.max)),
          WaitTimeSeconds: Math.min(MAX_WAIT_SECONDS, Math.max(0, request.waitSeconds)),
          VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, request.visibilitySeconds)),
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          MessageAttributeNames: ['All'],
        }),
        abortSignal === undefined ? {} : { abortSignal },
      ),
      request.signal,
    );
    if (answer === undefined) return [];
    return (answer.Messages ?? []).flatMap((message) =>
      message.ReceiptHandle === undefined || message.MessageId === undefined
        ? []
        : [
            {
              messageId: message.MessageId,
              receiptHandle: message.ReceiptHandle,
              body: message.Body ?? '',
              receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? '1'),
              sentAt: Number(message.Attributes?.SentTimestamp ?? '0'),
              attributes: message.MessageAttributes ?? {},
            },
          ],
    );
  }

  /**
   * SendMessageBatch in batches of 10 and 1 MiB; FIFO batches go one after the
   * other, one entry per group each. Answers the entries SQS refused; entries
   * still failing after the retries fail the call, or with `spentAsFailures`
   * are answered too.
   */
  public async send(messages: readonly OutgoingSqsMessage[], options: { readonly spentAsFailures?: boolean } = {}): Promise<Array<EntryFailure<OutgoingSqsMessage>>> {
    const batches = packBatches(messages, {
      maxEntries: MAX_BATCH_ENTRIES,
      maxBytes: MAX_SQS_BATCH_BYTES,
      sizeOf: sqsMessageBytes,
      ...(this.fifo ? { groupOf: (message: OutgoingSqsMessage) => message.group } : {}),
    });
    return runBatches(
      batches,
      'send messages',
      async (batch) => {
        const answer = await this.call('send messages', () =>
          this.sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: this.url,
              Entries: batch.map((message, index) => ({
                Id: String(index),
                MessageBody: message.body,
                ...(message.attributes === undefined ? {} : { MessageAttributes: { ...message.attributes } }),
                ...(this.fifo ? { MessageGroupId: message.group, MessageDeduplicationId: message.deduplicationId } : {}),
              })),
            }),
          ),
        );
        return sqsBatchOutcome(batch, answer ?? {});
      },
      { sequential: this.fifo, retry: this.retry, spentAsFailures: options.spentAsFailures === true },
    );
  }

  /** DeleteMessageBatch, all batches at once; answers the receipt handles SQS refused, with its codes. */
  public async delete(receiptHandles: readonly string[]): Promise<Array<EntryFailure<string>>> {
    const unique = [...new Set(receiptHandles)];
    return runBatches(
      packBatches(unique, { maxEntries: MAX_BATCH_ENTRIES }),
      'delete messages',
      async (batch) => {
        const answer = await this.call('delete messages', () =>
          this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.url, Entries: batch.map((ReceiptHandle, index) => ({ Id: String(index), ReceiptHandle })) })),
        );
        return sqsBatchOutcome(batch, answer ?? {});
      },
      { retry: this.retry },
    );
  }

  /**
   * ChangeMessageVisibilityBatch, all batches at once; answers the changes SQS
   * refused, with its codes. A batch SQS refuses as a whole is tried entry by
   * entry, so one bad entry cannot fail the others: moto answers a change past
   * the 12-hour limit (which it counts from the send, not from the receive) by
   * failing the whole batch call instead of that entry.
   */
  public async changeVisibility(changes: readonly VisibilityChange[]): Promise<Array<EntryFailure<VisibilityChange>>> {
    return runBatches(
      packBatches(changes, { maxEntries: MAX_BATCH_ENTRIES }),
      'change message visibility',
      async (batch) => {
        try {
          const answer = await this.sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: this.url,
              Entries: batch.map((change, index) => ({ Id: String(index), ReceiptHandle: change.receiptHandle, VisibilityTimeout: visibilitySeconds(change.seconds) })),
            }),
          );
          return sqsBatchOutcome(batch, answer);
        } catch (error) {
          if (isTransientAwsError(error) || batch.length === 1) throw this.translate(error, 'change message visibility');
          return this.changeOneByOne(batch);
        }
      },
      { retry: this.retry },
    );
  }

  /** Queue attributes, as SQS answers them (numbers as strings). */
  public async attributes(names: readonly QueueAttributeName[]): Promise<Partial<Record<string, string>>> {
    const answer = await this.call('read queue attributes', () => this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.url, AttributeNames: [...names] })));
    return answer?.Attributes ?? {};
  }

  private async changeOneByOne(batch: readonly VisibilityChange[]): Promise<BatchOutcome<VisibilityChange>> {
    const failed: Array<EntryFailure<VisibilityChange>> = [];
    await Promise.all(
      batch.map(async (change) => {
        try {
          await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.url, ReceiptHandle: change.receiptHandle, VisibilityTimeout: visibilitySeconds(change.seconds) }));
        } catch (error) {
          if (isTransientAwsError(error) || isMissingQueue(error)) throw this.translate(error, 'change message visibility');
          failed.push({ entry: change, code: awsErrorName(error) ?? 'Unknown', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
    return { retry: [], failed };
  }

  /** Runs one SDK call; answers undefined when `signal` aborted it. */
  private async call<T>(what: string, send: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await send(signal);
    } catch (error) {
      if (signal?.aborted === true) return undefined;
      throw this.translate(error, what);
    }
  }

  private translate(error: unknown, what: string): ConveyorError {
    return isMissingQueue(error) ? this.missing() : translateAwsError(error, what);
  }
}

function isMissingQueue(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue';
}

function visibilitySeconds(seconds: number): number {
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds)));
}

/** What SQS counts towards a message's size: its body and its attributes' names, types and values. */
export function sqsMessageBytes(message: OutgoingSqsMessage): number {
  let bytes = Buffer.byteLength(message.body, 'utf8');
  for (const [name, value] of Object.entries(message.attributes ?? {})) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8') + Buffer.byteLength(value.StringValue ?? '', 'utf8');
  }
  return bytes;
}
