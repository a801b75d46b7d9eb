import type { Logger } from 'pino';
import type { Backend } from '../../ports/Backend.js';
import type { Clock } from '../../ports/Clock.js';
import type { MetadataStore } from '../../ports/MetadataStore.js';
import { noTelemetry, type Telemetry } from '../../ports/Telemetry.js';
import { AckIdKeySecret } from './AckIdKeySecret.js';
import { AwsDelayedMessages } from './AwsDelayedMessages.js';
import { backfillFromLog } from './backfillFromLog.js';
import type { LogCompression } from './batchCompression.js';
import type { AwsClients } from './clients.js';
import { DelayQueueConsumer } from './DelayQueueConsumer.js';
import { DelayQueueSender } from './DelayQueueSender.js';
import { DelayedIndex } from './dynamo/DelayedIndex.js';
import { LogHeads } from './dynamo/LogHeads.js';
import { DynamoGroupOffsets } from './DynamoGroupOffsets.js';
import { DynamoMessageLog } from './DynamoMessageLog.js';
import { DynamoMetadataStore } from './DynamoMetadataStore.js';
import type { AwsResources } from './resources.js';
import { SchedulerTimers } from './SchedulerTimers.js';
import { SqsDeadLetterQueues } from './SqsDeadLetterQueues.js';
import { SqsSubscriptionQueues } from './SqsSubscriptionQueues.js';
import type { FanOut } from './packs/packFormat.js';
import { PackUnpacker } from './packs/PackUnpacker.js';
import { logMessageSource } from './sqs/deadLetterMoves.js';
import { QueueDirectory } from './sqs/QueueDirectory.js';
import { StreamRelay } from './StreamRelay.js';
import { SubscriptionResources } from './SubscriptionResources.js';

export interface AwsBackendOptions {
  readonly clients: AwsClients;
  readonly resources: AwsResources;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly telemetry?: Telemetry;
  /** Most bytes of messages one log read, pull or dead-letter listing returns (ResponseBudget). @default ResponseLimits.bytes.default */
  readonly responseBytes?: number;
  /** How the log stores record batches (LogCompression). @default 'deflate' */
  readonly logCompression?: LogCompression;
  /** What the rules of new subscriptions match (SubscriptionResources). @default 'pack' */
  readonly fanOut?: FanOut;
}

/** The AWS backend's ports, plus the logic of the functions that are not the API. */
export interface AwsBackend {
  readonly backend: Backend;
  /** Logic of functions/relay.ts. */
  readonly relay: StreamRelay;
  /** Logic of functions/delayConsumer.ts. */
  readonly delayConsumer: DelayQueueConsumer;
  /** Logic of functions/unpacker.ts. */
  readonly unpacker: PackUnpacker;
}

/**
 * The AWS backend: the ordered log, dedup, metadata and group offsets on
 * DynamoDB; work queues and dead letters on SQS; fan-out through EventBridge
 * rules, in packs that the unpacker queues message by message (and straight
 * to FIFO queues for ordered subscriptions); delays on an SQS
 * delay queue and EventBridge Scheduler; cron schedules on EventBridge Scheduler.
 *
 * @example
 * const { backend, relay } = createAwsBackend({ clients: createAwsClients(), resources: resourcesFromEnv(), clock: systemClock, logger });
 */
export function createAwsBackend(options: AwsBackendOptions): AwsBackend {
  const { clients, resources, clock, logger, responseBytes, logCompression } = options;
  const telemetry = options.telemetry ?? noTelemetry;
  const directory = new QueueDirectory(clients.sqs, resources.resourcePrefix);
  const sender = new DelayQueueSender(clients, resources, clock);
  const log = new DynamoMessageLog(clients, resources, clock, sender, { responseBytes, ...(logCompression === undefined ? {} : { compression: logCompression }) });
  // The queues and the metadata need each other (dead-lettering re-reads the log; backfill queues): tie the knot lazily.
  let metadata: DynamoMetadataStore | undefined;
  const topics: Pick<MetadataStore, 'getTopic'> = { getTopic: (name) => metadata!.getTopic(name) };
  // Read on first use: only the API makes and checks ack ids, so the other functions need no access to the key.
  const ackIdKey = new AckIdKeySecret(clients.secrets, resources.ackKeySecretArn);
  const queues = new SqsSubscriptionQueues(directory, logMessageSource(topics, log), () => ackIdKey.signer(), clock, telemetry, responseBytes);
  metadata = new DynamoMetadataStore(clients, resources, {
    provisioner: new SubscriptionResources(clients, resources, directory, options.fanOut ?? 'pack'),
    backfill: backfillFromLog(log, queues),
    timers: new SchedulerTimers(clients, resources),
  });
  const backend: Backend = {
    name: 'aws',
    metadata,
    log,
    delayed: new AwsDelayedMessages(new DelayedIndex(clients.dynamo, resources, responseBytes), sender, clock),
    queues,
    deadLetters: new SqsDeadLetterQueues(directory, responseBytes),
    groups: new DynamoGroupOffsets(clients, resources),
    close: async () => undefined, // the SDK clients belong to the caller, who destroys them
  };
  return {
    backend,
    relay: new StreamRelay(clients, resources, metadata, directory, new LogHeads(clients.dynamo, resources.logTable), clock, logger),
    delayConsumer: new DelayQueueConsumer(clients, resources, metadata, log, clock, logger),
    unpacker: new PackUnpacker(clients.sqs, directory, resources.packInboxUrl, clock, logger),
  };
}
