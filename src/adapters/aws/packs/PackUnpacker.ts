import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { StorageError } from '../../../domain/errors.js';
import type { PartialRetryOptions } from '../batches.js';
import type { QueueDirectory } from '../sqs/QueueDirectory.js';
import { SqsQueue } from '../sqs/SqsQueue.js';
import { readPackDelivery } from './packFormat.js';

/**
 * The logic of the unpacker (functions/unpacker.ts), the consumer of the pack
 * inbox: each inbox message is one pack as one subscription's rule delivered
 * it (packFormat.ts), and its messages go to that subscription's queue with
 * SendMessageBatch, 10 at a time, each its own SQS message, so acks, retries,
 * dead letters and the queue's counts work per message.
 *
 * A record fails, and comes back after the inbox's visibility timeout, when
 * any of its messages could not be sent (SQS deduplicates nothing on a
 * standard queue, so a retried pack may queue some messages twice: delivery
 * is at least once, as it is everywhere else). After the inbox's redrive count
 * it lands in the inbox's dead-letter queue, which an alarm watches; so does
 * a record that is not a pack delivery. A pack for a queue that no longer
 * exists belongs to a subscription deleted meanwhile: it is dropped, as the
 * relay drops messages for deleted subscriptions.
 *
 * @example
 * const unpacker = new PackUnpacker(directory, logger);
 * export const handler = (event: SQSEvent) => unpacker.handle(event.Records);
 */
export class PackUnpacker {
  public constructor(
    private readonly sqs: ConstructorParameters<typeof SqsQueue>[0],
    private readonly directory: Pick<QueueDirectory, 'url' | 'forget'>,
    private readonly logger: Logger,
    private readonly retry: PartialRetryOptions = {},
  ) {}

  /** Unpacks every record; answers those to receive again. */
  public async handle(records: readonly SQSRecord[]): Promise<SQSBatchResponse> {
    const outcomes = await Promise.all(records.map(async (record) => ({ record, done: await this.unpack(record) })));
    return { batchItemFailures: outcomes.filter(({ done }) => !done).map(({ record }) => ({ itemIdentifier: record.messageId })) };
  }

  private async unpack(record: SQSRecord): Promise<boolean> {
    const delivery = readPackDelivery(record.body);
    if (delivery === null) {
      this.logger.error({ messageId: record.messageId }, 'pack inbox: not a pack delivery; left for the inbox dead-letter queue');
      return false;
    }
    const gone = new StorageError(`queue ${delivery.queue} no longer exists`);
    try {
      const url = await this.directory.url(delivery.queue);
      if (url === null) return true;
      const queue = new SqsQueue(this.sqs, url, false, () => gone, this.retry);
      const refused = await queue.send(delivery.bodies.map((body) => ({ body })));
      if (refused.length > 0) this.logger.warn({ queue: delivery.queue, refused: refused.length, code: refused[0]?.code }, 'pack inbox: SQS refused messages of a pack; the pack comes back');
      return refused.length === 0;
    } catch (error) {
      if (error === gone) {
        this.directory.forget(delivery.queue);
        return true;
      }
      this.logger.warn({ queue: delivery.queue, err: error }, 'pack inbox: could not unpack a pack; it comes back');
      return false;
    }
  }
}
