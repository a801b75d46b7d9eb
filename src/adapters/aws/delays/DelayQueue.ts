import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { PayloadTooLargeError, StorageError, type ConveyorError } from '../../../domain/errors.js';
import { translateAwsError } from '../awsErrors.js';
import { sendWithPartialRetry, type PartialRetryOptions } from '../batches.js';
import type { DelayedEnvelope } from '../collaborators.js';
import { byteLength, encodeEnvelope } from './envelope.js';

/** SQS's longest DelaySeconds: 15 minutes. */
export const MAX_DELAY_SECONDS = 900;
/** SQS's entries per SendMessageBatch. */
const BATCH_ENTRIES = 10;
/** SQS's largest message, and largest SendMessageBatch payload (the sum of its bodies): 1 MiB. */
export const MAX_MESSAGE_BYTES = 1_048_576;

/** Whole seconds SQS should hold a message due at `dueAt`: never early, at most 15 minutes. */
export function delaySecondsUntil(dueAt: number, now: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - now) / 1000)));
}

export interface DelayQueueMessage {
  readonly envelope: DelayedEnvelope;
  readonly delaySeconds: number;
}

export interface DelayQueueFailure<M extends DelayQueueMessage> {
  readonly message: M;
  readonly error: ConveyorError;
}

interface Encoded<M> {
  readonly message: M;
  readonly body: string;
  readonly bytes: number;
}

/**
 * The SQS queue delayed messages wait in. Sends in batches of up to ten and
 * 1 MiB, retries the entries a batch reports as failed for a retryable reason,
 * and answers which messages could not be queued, so a caller can fail just
 * those (the delay-queue consumer) or the whole call (the publish path).
 *
 * @example
 * const failures = await queue.send([{ envelope, delaySeconds: 60 }]);
 */
export class DelayQueue {
  public constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly retry: PartialRetryOptions = {},
  ) {}

  /** Every message whose envelope exceeds SQS's message size, as PayloadTooLarge. */
  public static oversized<M extends DelayQueueMessage>(messages: readonly M[]): Array<DelayQueueFailure<M>> {
    return tooLarge(messages.map(encode));
  }

  /** Queues the messages; resolves with those that could not be queued (none when all went). */
  public async send<M extends DelayQueueMessage>(messages: readonly M[]): Promise<Array<DelayQueueFailure<M>>> {
    const encoded = messages.map(encode);
    const failures = await Promise.all(bySize(encoded.filter((entry) => entry.bytes <= MAX_MESSAGE_BYTES)).map((batch) => this.sendBatch(batch)));
    return [...tooLarge(encoded), ...failures.flat()];
  }

  /** One batch of at most ten entries and 1 MiB, with per-entry retries of retryable failures. */
  private async sendBatch<M extends DelayQueueMessage>(entries: ReadonlyArray<Encoded<M>>): Promise<Array<DelayQueueFailure<M>>> {
    const failed = new Map<Encoded<M>, ConveyorError>();
    const retrying = new Set<Encoded<M>>();
    try {
      await sendWithPartialRetry(
        entries,
        BATCH_ENTRIES,
        'queue delayed messages',
        async (batch) => {
          for (const entry of batch) retrying.delete(entry);
          let response;
          try {
            response = await this.sqs.send(
              new SendMessageBatchCommand({
                QueueUrl: this.queueUrl,
                Entries: batch.map((entry, index) => ({ Id: String(index), MessageBody: entry.body, DelaySeconds: entry.message.delaySeconds })),
              }),
            );
          } catch (error) {
            // The SDK has retried throttling and 5xx already: what is left fails this batch.
            for (const entry of batch) failed.set(entry, translateAwsError(error, 'queue delayed messages'));
            return [];
          }
          const again: Array<Encoded<M>> = [];
          for (const failure of response.Failed ?? []) {
            const entry = batch[Number(failure.Id)];
            if (entry === undefined) continue;
            if (failure.SenderFault === true) {
              failed.set(entry, new StorageError(`SQS refused delayed message ${JSON.stringify(entry.message.envelope.id)}: ${failure.Code ?? 'unknown'}: ${failure.Message ?? ''}`));
            } else {
              retrying.add(entry);
              again.push(entry);
            }
          }
          return again;
        },
        this.retry,
      );
    } catch (error) {
      // Entries still failing after every attempt.
      for (const entry of retrying) failed.set(entry, translateAwsError(error, 'queue delayed messages'));
    }
    return [...failed].map(([entry, error]) => ({ message: entry.message, error }));
  }
}

function encode<M extends DelayQueueMessage>(message: M): Encoded<M> {
  const body = encodeEnvelope(message.envelope);
  return { message, body, bytes: byteLength(body) };
}

function tooLarge<M extends DelayQueueMessage>(encoded: ReadonlyArray<Encoded<M>>): Array<DelayQueueFailure<M>> {
  return encoded
    .filter((entry) => entry.bytes > MAX_MESSAGE_BYTES)
    .map(({ message, bytes }) => ({ message, error: new PayloadTooLargeError(`delayed message ${JSON.stringify(message.envelope.id)} with its envelope`, MAX_MESSAGE_BYTES, bytes) }));
}

/** Groups of at most ten entries whose bodies add up to at most 1 MiB, in order. */
function bySize<E extends { readonly bytes: number }>(entries: readonly E[]): E[][] {
  const groups: E[][] = [];
  let current: E[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length === BATCH_ENTRIES || (current.length > 0 && bytes + entry.bytes > MAX_MESSAGE_BYTES)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
