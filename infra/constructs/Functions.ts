import { Duration } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { RELAYED_IMAGE_ATTRIBUTES } from '../../src/adapters/aws/logItems.js';
import type { ConveyorSettings } from '../settings.js';
import type { AckIdKey } from './AckIdKey.js';
import { ConveyorFunction } from './ConveyorFunction.js';
import type { Messaging } from './Messaging.js';
import type { RuntimeAccess } from './RuntimeAccess.js';
import type { Tables } from './Tables.js';

/** Physical names of the functions; the schedule target's is needed before it exists (Scheduler role, environment). */
export const functionNames = (prefix: string) =>
  ({
    api: `${prefix}-api`,
    relay: `${prefix}-relay`,
    unpacker: `${prefix}-unpacker`,
    delayConsumer: `${prefix}-delay-consumer`,
    scheduleTarget: `${prefix}-schedule-target`,
  }) as const;

/** API Gateway gives up on an integration after 30 s; a pull long-polls for at most 20 s of that. */
export const API_TIMEOUT = Duration.seconds(29);
export const RELAY_TIMEOUT = Duration.minutes(1);
export const DELAY_CONSUMER_TIMEOUT = Duration.seconds(30);
export const UNPACKER_TIMEOUT = Duration.seconds(30);
export const SCHEDULE_TARGET_TIMEOUT = Duration.seconds(30);

/** Relay retries of a failing stream batch (halved each time) before its position goes to the failure queue. */
export const RELAY_RETRY_ATTEMPTS = 10;

/**
 * Concurrent delay-consumer invocations Lambda's SQS poller may run. Without a
 * bound the poller scales to hundreds (up to 1,250) when many delayed messages
 * come due at once, taking the account's concurrency from the API and racing
 * each other for the same log partitions (transaction conflicts, then 503s).
 * With 10 invocations of up to 10 messages each, a burst larger than they keep
 * up with is released later rather than faster, which the DelayQueueAge alarm
 * reports when it passes 20 minutes.
 */
export const DELAY_CONSUMER_MAX_CONCURRENCY = 10;

export interface FunctionsProps {
  readonly settings: ConveyorSettings;
  /** Resource names from `resourcesToEnv`, plus backend, log level and Node options. */
  readonly environment: Readonly<Record<string, string>>;
  readonly tables: Tables;
  readonly messaging: Messaging;
  readonly runtimeAccess: RuntimeAccess;
  /** The key that signs ack ids; only the API reads it. */
  readonly ackIdKey: AckIdKey;
}

/**
 * The five Lambda functions, each with its event source and the least
 * permissions its job needs.
 */
export class Functions extends Construct {
  /** The HTTP API: every route. Creates and deletes subscriptions' queues, rules, alarms and schedules. */
  public readonly api: ConveyorFunction;
  /** Log table stream → EventBridge bus (unordered subscriptions) and FIFO queues (ordered ones). */
  public readonly relay: ConveyorFunction;
  /** Pack inbox → subscription queues: queues each message of the packs the subscriptions' rules delivered. */
  public readonly unpacker: ConveyorFunction;
  /** Delay queue → log: appends each delayed message when it is due, or sends it on for another hop. */
  public readonly delayConsumer: ConveyorFunction;
  /** Invoked by EventBridge Scheduler at each cron tick; publishes the schedule's message. */
  public readonly scheduleTarget: ConveyorFunction;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { settings, tables, messaging, runtimeAccess } = props;
    const names = functionNames(settings.resourcePrefix);
    const common = {
      environment: props.environment,
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    };

    this.api = new ConveyorFunction(this, 'Api', {
      ...common,
      entry: 'api.ts',
      functionName: names.api,
      description: 'Conveyor HTTP API v1 (API Gateway HTTP API, payload format 2.0)',
      memorySize: 512,
      timeout: API_TIMEOUT,
    });
    tables.logTable.grantReadWriteData(this.api);
    tables.metaTable.grantReadWriteData(this.api);
    messaging.delayQueue.grantSendMessages(this.api);
    runtimeAccess.grantSubscriptionQueues(this.api);
    runtimeAccess.grantSubscriptionRules(this.api);
    runtimeAccess.grantSchedules(this.api, { read: true });
    runtimeAccess.grantRuntimeAlarms(this.api);
    props.ackIdKey.grantRead(this.api);

    this.relay = new ConveyorFunction(this, 'Relay', {
      ...common,
      entry: 'relay.ts',
      functionName: names.relay,
      description: 'Conveyor stream relay: new log items to the event bus and to ordered subscriptions',
      memorySize: 512,
      timeout: RELAY_TIMEOUT,
      // No reserved concurrency: the stream bounds it already (one invocation per shard, parallelizationFactor 1),
      // and a reservation would be taken from the account even when the log is idle.
    });
    tables.metaTable.grantReadData(this.relay);
    // It moves each log partition's head past the batches it relays (LogHeads), and writes nothing else there.
    tables.logTable.grant(this.relay, 'dynamodb:UpdateItem');
    messaging.bus.grantPutEventsTo(this.relay);
    runtimeAccess.grantSendToSubscriptionQueues(this.relay);
    this.relay.function.addEventSource(
      new DynamoEventSource(tables.logTable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        // One batch at a time per shard keeps each partition's messages in offset order.
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: RELAY_RETRY_ATTEMPTS,
        // Stream records live 24 h.
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(messaging.relayFailureQueue),
        // Only new log items: record batches (and message items of the layout before them); partition heads
        // (offset -1) have neither attribute, and updates and TTL deletes are not new messages.
        filters: Object.values(RELAYED_IMAGE_ATTRIBUTES).map(({ name, type }) =>
          FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT'), dynamodb: { NewImage: { [name]: { [type]: FilterRule.exists() } } } }),
        ),
      }),
    );

    this.unpacker = new ConveyorFunction(this, 'Unpacker', {
      ...common,
      entry: 'unpacker.ts',
      functionName: names.unpacker,
      description: 'Conveyor unpacker: queues each message of the packs the subscriptions\' rules deliver',
      memorySize: 256,
      timeout: UNPACKER_TIMEOUT,
    });
    runtimeAccess.grantSendToSubscriptionQueues(this.unpacker);
    // Messages SQS refused go back to the inbox, alone, for another attempt.
    messaging.packInbox.grantSendMessages(this.unpacker);
    this.unpacker.function.addEventSource(new SqsEventSource(messaging.packInbox, { batchSize: 10, reportBatchItemFailures: true }));

    this.delayConsumer = new ConveyorFunction(this, 'DelayConsumer', {
      ...common,
      entry: 'delayConsumer.ts',
      functionName: names.delayConsumer,
      description: 'Conveyor delay consumer: appends due delayed messages to the log',
      memorySize: 256,
      timeout: DELAY_CONSUMER_TIMEOUT,
    });
    tables.logTable.grantReadWriteData(this.delayConsumer);
    tables.metaTable.grantReadWriteData(this.delayConsumer);
    // Re-delays a message that is not due yet (SQS delays stop at 15 minutes).
    messaging.delayQueue.grantSendMessages(this.delayConsumer);
    this.delayConsumer.function.addEventSource(
      new SqsEventSource(messaging.delayQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: DELAY_CONSUMER_MAX_CONCURRENCY }),
    );

    this.scheduleTarget = new ConveyorFunction(this, 'ScheduleTarget', {
      ...common,
      entry: 'scheduleTarget.ts',
      functionName: names.scheduleTarget,
      description: 'Conveyor schedule target: publishes the message of a cron schedule at each tick',
      memorySize: 256,
      timeout: SCHEDULE_TARGET_TIMEOUT,
      ...(settings.scheduleTargetConcurrency === undefined ? {} : { reservedConcurrentExecutions: settings.scheduleTargetConcurrency }),
    });
    tables.logTable.grantReadWriteData(this.scheduleTarget);
    tables.metaTable.grantReadWriteData(this.scheduleTarget);
    // A scheduled message may carry a delay: short ones go to the delay queue, long ones become one-time schedules.
    messaging.delayQueue.grantSendMessages(this.scheduleTarget);
    runtimeAccess.grantSchedules(this.scheduleTarget, { read: false });
  }
}
