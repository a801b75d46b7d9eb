import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { StorageError } from '../../../domain/errors.js';
import type { Clock } from '../../../ports/Clock.js';
import type { PartialRetryOptions } from '../batches.js';
import { MISSING_QUEUE_GRACE_MS, type QueueDirectory } from '../sqs/QueueDirectory.js';
import { SqsQueue } from '../sqs/SqsQueue.js';
import { packDelivery, readPackDelivery, type ReadPackDelivery } from './packFormat.js';

/** Times the messages SQS refused from a pack go back to the inbox, before their record fails and the inbox's redrive takes over. */
export const PACK_RESEND_ATTEMPTS = 4;

/**
 * The logic of the unpacker (functions/unpacker.ts), the consumer of the pack
 * inbox: each inbox message is one pack as one subscription's rule delivered
 * it (packFormat.ts), and its messages go to that subscription's queue with
 * SendMessageBatch, 10 at a time, each its own SQS message, so acks, retries,
 * dead letters and the queue's counts work per message.
 *
 * - SQS refuses some messages of a pack, or they still fail after the
 *   per-entry retries: only
 *   those go back to the inbox, as a pack of their own, delayed, so the
 *   messages queued already are not queued again; after
 *   `PACK_RESEND_ATTEMPTS` such rounds the record fails instead, and the
 *   inbox's redrive sets it aside in its dead-letter queue (alarmed).
 * - The whole send fails, or the record is no pack delivery: the record
 *   fails, and comes back after the inbox's visibility timeout (some of its
 *   messages may then be queued twice: delivery is at least once).
 * - The queue does not exist: a pack for a subscription deleted meanwhile, and
 *   dropped, as the relay drops messages for deleted subscriptions, once the
 *   pack is older than `MISSING_QUEUE_GRACE_MS` or was received before;
 *   until then the record fails, since SQS may not know a new queue's name yet.
 *
 * @example
 * const unpacker = new PackUnpacker(clients.sqs, directory, resources.packInboxUrl, systemClock, logger);
 * export const handler = (event: SQSEvent) => unpacker.handle(event.Records);
 */
export class PackUnpacker {
  public constructor(
    private readonly sqs: SQSClient,
    private readonly directory: Pick<QueueDirectory, 'url' | 'forget'>,
    private readonly inboxUrl: string,
    private readonly clock: Clock,
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
    const gone = new StorageError(`queue ${delivery.queue} does not exist`);
    try {
      const url = await this.directory.url(delivery.queue);
      if (url === null) throw gone;
      const queue = new SqsQueue(this.sqs, url, false, () => gone, this.retry);
      const refused = await queue.send(delivery.bodies.map((body) => ({ body })), { spentAsFailures: true });
      if (refused.length === 0) return true;
      return await this.sendBack(delivery, refused.map(({ entry }) => entry.body), refused[0]?.code ?? 'unknown');
    } catch (error) {
      if (error === gone) return this.missingQueue(record, delivery);
      this.logger.warn({ queue: delivery.queue, err: error }, 'pack inbox: could not unpack a pack; it comes back');
      return false;
    }
  }

  /** The refused messages, back to the inbox as a pack of their own, delayed by attempt; false (the record fails) once the attempts are spent or the send fails. */
  private async sendBack(delivery: ReadPackDelivery, bodies: readonly string[], code: string): Promise<boolean> {
    const attempt = delivery.attempt + 1;
    this.logger.warn({ queue: delivery.queue, unsent: bodies.length, code, attempt }, 'pack inbox: SQS did not take some messages of a pack');
    if (attempt > PACK_RESEND_ATTEMPTS) return false;
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.inboxUrl, MessageBody: packDelivery(delivery.queue, bodies, attempt), DelaySeconds: Math.min(900, 5 * 2 ** attempt) }));
      return true;
    } catch (error) {
      this.logger.warn({ queue: delivery.queue, err: error }, 'pack inbox: could not send refused messages back to the inbox; the pack comes back');
      return false;
    }
  }

  private missingQueue(record: SQSRecord, delivery: ReadPackDelivery): boolean {
    this.directory.forget(delivery.queue);
    const age = this.clock.now() - Number(record.attributes?.SentTimestamp ?? 0);
    const settled = Number(record.attributes?.ApproximateReceiveCount ?? 1) > 1 || !(age < MISSING_QUEUE_GRACE_MS);
    this.logger.warn({ queue: delivery.queue, messages: delivery.bodies.length, dropped: settled }, 'pack inbox: the queue of a pack does not exist (its subscription was deleted, or SQS does not know it yet)');
    return settled;
  }
}
