import { BatchProcessor, EventType, type BasePartialBatchProcessor, processPartialResponse, SqsFifoMessageGroupShortCircuitError, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { preview } from '../domain/errors.js';
import type { Json } from '../domain/types.js';
import { decodeRecord } from './decodeRecord.js';
import { ConsumerConfigurationError, DeliveriesExhaustedError } from './errors.js';
import { forgetFailures, recordFailure } from './failureRegistry.js';
import { IdempotentRunner } from './IdempotentRunner.js';
import { Semaphore } from './Semaphore.js';
import { SUBSCRIPTION_QUEUES_ENV, SubscriptionResolver } from './subscriptionQueues.js';
import type { ConsumedMessage, ConsumeOptions, MessageContext, MessageHandler } from './types.js';

/** The Lambda handler `consume` returns: SQS events in, partial batch responses out. */
export type ConsumerHandler = MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context>;

/** Most messages of one batch handled at once: an SQS event source mapping hands over at most 10,000. */
const MAX_CONCURRENCY = 10_000;

/**
 * A Lambda handler for the SQS event source mapping of one or more Conveyor
 * subscription queues. Each record becomes the message a pull would return
 * (`{ id, topic, subscription, partition, offset, key, attributes, body,
 * publishedAt, deliveryAttempt }`) and `fn` runs for it; the messages whose
 * `fn` threw are returned in `batchItemFailures` (the mapping needs
 * ReportBatchItemFailures), so only they come back, with `deliveryAttempt`
 * one higher, until the queue's redrive sets them aside as dead letters.
 *
 * - Unordered subscriptions (standard queues): Powertools' BatchProcessor, one
 *   message after the other unless `concurrency` allows more. Powertools fails
 *   the whole invocation when every message failed, which the mapping also retries.
 * - Ordered subscriptions (FIFO queues, ARN ending in `.fifo`): Powertools'
 *   SqsFifoPartialProcessorAsync with `skipGroupOnError`: a failure also fails
 *   the later messages of the same key (message group) in the batch, so they
 *   stay in order, while other keys go on. SQS counted their receive, so they
 *   come back with `deliveryAttempt` one higher too, and count toward
 *   `maxDeliveries` (a batch size of 1 avoids that).
 * - The subscription of a record comes from CONVEYOR_SUBSCRIPTION_QUEUES (set
 *   by `addLambdaConsumer`), else `options.subscription`. A message past the
 *   subscription's `maxDeliveries` (known from that variable) is not handled again.
 * - `idempotency` skips a message whose id already succeeded on this subscription (IdempotentRunner).
 * - Logs are Powertools Logger JSON with the Lambda context; each failure is
 *   logged with the message's id, and recorded for a local runner (failureRegistry).
 *
 * @example
 * import { consume } from 'conveyor/lambda';
 * export const handler = consume(async (message) => {
 *   await chargeCustomer(message.body);
 * }, { idempotency: { tableName: process.env.IDEMPOTENCY_TABLE! } });
 */
export function consume<TBody = Json>(fn: MessageHandler<TBody>, options: ConsumeOptions = {}): ConsumerHandler {
  if (typeof fn !== 'function') throw new ConsumerConfigurationError(`consume() needs a function to run for each message, but ${preview(fn)} was provided`);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new ConsumerConfigurationError(`concurrency must be an integer between 1 and ${MAX_CONCURRENCY}, but ${preview(concurrency)} was provided`);
  }
  const logger = options.logger ?? new Logger({ serviceName: 'conveyor-consumer' });
  const resolver = new SubscriptionResolver(() => process.env[SUBSCRIPTION_QUEUES_ENV], options.subscription);
  const idempotency = options.idempotency === undefined ? undefined : new IdempotentRunner(options.idempotency);

  const handleBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // Resolved before anything runs: a misconfigured function fails as a whole, at its first record.
    const bound = new Map(event.Records.map((record) => [record.messageId, resolver.resolve(record.eventSourceARN)] as const));
    forgetFailures(bound.keys());
    const decoded = new Map<string, ConsumedMessage<TBody>>();
    const slots = new Semaphore(concurrency);
    const handleRecord = async (record: SQSRecord): Promise<void> => {
      const subscription = bound.get(record.messageId) ?? resolver.resolve(record.eventSourceARN);
      const message = decodeRecord<TBody>(record, subscription);
      decoded.set(record.messageId, message);
      if (subscription.maxDeliveries !== undefined && message.deliveryAttempt > subscription.maxDeliveries) {
        throw new DeliveriesExhaustedError(message.id, message.deliveryAttempt, subscription.maxDeliveries);
      }
      await slots.run(() => handleMessage(message, record, context));
    };
    const settle = async (processor: BasePartialBatchProcessor, process: () => Promise<SQSBatchResponse>): Promise<SQSBatchResponse> => {
      try {
        return await process();
      } finally {
        reportFailures(processor.failureMessages, processor.errors, decoded);
      }
    };
    if (event.Records.some((record) => record.eventSourceARN.endsWith('.fifo'))) {
      const processor = new SqsFifoPartialProcessorAsync();
      return settle(processor, () => processPartialResponse(event, handleRecord, processor, { context, skipGroupOnError: true }));
    }
    const processor = new BatchProcessor(EventType.SQS);
    return settle(processor, () => processPartialResponse(event, handleRecord, processor, { context, processInParallel: concurrency > 1 }));
  };

  const handleMessage = async (message: ConsumedMessage<TBody>, record: SQSRecord, lambdaContext: Context): Promise<void> => {
    const run = async (): Promise<void> => {
      await fn(message, messageContext(message, record, lambdaContext, logger));
    };
    if (idempotency === undefined) {
      await run();
    } else if (!(await idempotency.run(message, lambdaContext, run))) {
      logger.info('message skipped: it succeeded before', messageKeys(message));
    }
  };

  /** Records each failure's reason for a local runner and logs it; Powertools keeps failed records and their errors side by side. */
  const reportFailures = (records: readonly unknown[], errors: readonly unknown[], decoded: ReadonlyMap<string, ConsumedMessage<TBody>>): void => {
    records.forEach((record, index) => {
      if (!isSqsRecord(record)) return;
      const error = errors[index];
      recordFailure(record.messageId, error instanceof Error ? error.message || error.name : String(error));
      const message = decoded.get(record.messageId);
      const keys = { sqsMessageId: record.messageId, ...(message === undefined ? { deliveryAttempt: record.attributes.ApproximateReceiveCount } : messageKeys(message)) };
      if (error instanceof SqsFifoMessageGroupShortCircuitError) logger.warn('message held back: an earlier message of its key failed in this batch', keys);
      else logger.error('message failed', { ...keys, error });
    });
  };

  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handleBatch);
}

function isSqsRecord(record: unknown): record is SQSRecord {
  return typeof record === 'object' && record !== null && 'messageId' in record && 'eventSourceARN' in record;
}

function messageKeys(message: ConsumedMessage<unknown>): Record<string, string | number> {
  return { messageId: message.id, topic: message.topic, subscription: message.subscription, deliveryAttempt: message.deliveryAttempt };
}

/** The handler's context; its logger (a Powertools child logger) is made only if the handler asks for it. */
function messageContext(message: ConsumedMessage<unknown>, record: SQSRecord, lambdaContext: Context, parent: Logger): MessageContext {
  let logger: Logger | undefined;
  return {
    lambdaContext,
    record,
    get logger(): Logger {
      logger ??= parent.createChild({ persistentKeys: messageKeys(message) });
      return logger;
    },
  };
}
