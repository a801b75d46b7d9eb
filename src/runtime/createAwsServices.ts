import type { DynamoDBBatchResponse, DynamoDBRecord, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import type { LogCompression } from '../adapters/aws/batchCompression.js';
import type { AwsClients } from '../adapters/aws/clients.js';
import { createAwsBackend } from '../adapters/aws/createAwsBackend.js';
import type { FanOut } from '../adapters/aws/packs/packFormat.js';
import type { AwsResources } from '../adapters/aws/resources.js';
import { Broker } from '../broker/Broker.js';
import { AccessLog } from '../observability/AccessLog.js';
import { Metrics } from '../observability/Metrics.js';
import { systemClock, type Clock } from '../ports/Clock.js';
import type { Services } from './createEmbeddedServices.js';
import { storeGauges } from './storeGauges.js';

export interface AwsServiceOptions {
  readonly clients: AwsClients;
  readonly resources: AwsResources;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Most bytes of messages one log read, pull or dead-letter listing returns. @default ResponseLimits.bytes.default */
  readonly responseBytes?: number;
  /** An access log line per request (CONVEYOR_ACCESS_LOG). @default true */
  readonly accessLog?: boolean;
  /** How the log stores record batches (CONVEYOR_LOG_COMPRESSION). @default 'deflate' */
  readonly logCompression?: LogCompression;
  /** What the rules of new subscriptions match (CONVEYOR_FAN_OUT). @default 'pack' */
  readonly fanOut?: FanOut;
}

/** The services of a process on the AWS backend: the API's broker plus the logic of the other functions. */
export interface AwsServices extends Services {
  /** The stream relay (functions/relay.ts): fans each appended message out to the subscriptions. */
  relay(records: DynamoDBRecord[]): Promise<DynamoDBBatchResponse>;
  /** The delay-queue consumer (functions/delayConsumer.ts): appends due messages to the log. */
  releaseDelayed(records: SQSRecord[]): Promise<SQSBatchResponse>;
  /** The unpacker (functions/unpacker.ts): queues each message of the packs in the pack inbox. */
  unpack(records: SQSRecord[]): Promise<SQSBatchResponse>;
  /** The schedule target (functions/scheduleTarget.ts): publishes every due cron tick; returns how many fired. */
  fireSchedules(): Promise<number>;
}

/**
 * The broker on the AWS backend. No maintenance timer runs: SQS expires leases
 * and delays, EventBridge Scheduler fires schedules, DynamoDB TTL trims the log.
 *
 * @example
 * const services = createAwsServices({ clients: createAwsClients(), resources: resourcesFromEnv(), logger });
 */
export function createAwsServices(options: AwsServiceOptions): AwsServices {
  const clock = options.clock ?? systemClock;
  const metrics = new Metrics();
  const aws = createAwsBackend({
    clients: options.clients,
    resources: options.resources,
    clock,
    telemetry: metrics,
    logger: options.logger,
    ...(options.responseBytes === undefined ? {} : { responseBytes: options.responseBytes }),
    ...(options.logCompression === undefined ? {} : { logCompression: options.logCompression }),
    ...(options.fanOut === undefined ? {} : { fanOut: options.fanOut }),
  });
  const broker = new Broker({ backend: aws.backend, clock, logger: options.logger, telemetry: metrics });
  metrics.readGaugesFrom(storeGauges(broker));
  return {
    broker,
    metrics,
    accessLog: new AccessLog(options.logger, options.accessLog),
    relay: (records) => aws.relay.handle(records),
    releaseDelayed: (records) => aws.delayConsumer.handle(records),
    unpack: (records) => aws.unpacker.handle(records),
    fireSchedules: () => broker.schedules.fireDue(),
    close: () => broker.close(),
  };
}
