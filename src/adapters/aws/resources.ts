/**
 * The AWS resources one Conveyor deployment runs on. The CDK stack creates them
 * and hands their names to every Lambda through these environment variables; the
 * local runner reads them from the emulator's stack outputs.
 */
export interface AwsResources {
  /** DynamoDB table of the ordered log: pk `p` (S), sk `o` (N); stream NEW_IMAGE; TTL attribute `ttl`. */
  readonly logTable: string;
  /** DynamoDB table of topics, subscriptions, schedules, group offsets and dedup: pk `pk` (S), sk `sk` (S); TTL attribute `ttl`. */
  readonly metaTable: string;
  /** EventBridge bus the stream relay publishes every message to (in packs); one rule per unordered subscription. */
  readonly eventBus: string;
  /**
   * SQS queue the subscriptions' rules deliver packs to (packFormat.ts), each
   * wrapped with the name of the subscription's queue; its consumer, the
   * unpacker, queues each message.
   */
  readonly packInboxUrl: string;
  readonly packInboxArn: string;
  /** SQS queue of delayed messages (DelaySeconds ≤ 15 min); its consumer appends them to the log when due. */
  readonly delayQueueUrl: string;
  readonly delayQueueArn: string;
  /** EventBridge Scheduler group of Conveyor's schedules (cron schedules and long delays). */
  readonly scheduleGroup: string;
  /** Role EventBridge Scheduler assumes to reach its targets (delay queue, schedule-target function). */
  readonly schedulerRoleArn: string;
  /** The schedule-target Lambda that a cron schedule invokes. */
  readonly scheduleTargetArn: string;
  /** Prefix of every queue and rule created at runtime; IAM grants are limited to it. */
  readonly resourcePrefix: string;
  /**
   * Standard SQS queue (`<prefix>-delivery-failures`) that every EventBridge rule
   * target and every Scheduler schedule created at runtime names as its
   * dead-letter queue: what they could not deliver after their retries lands here.
   */
  readonly deliveryFailureQueueArn: string;
  /** SNS topic that the per-subscription dead-letter alarms notify; absent when the stack has no alarm topic. */
  readonly alarmTopicArn?: string | undefined;
  /** Secrets Manager secret whose value is the key that signs ack ids (a random string the stack generates). */
  readonly ackKeySecretArn: string;
}

/** Environment variable of each resource. */
export const ResourceEnv = {
  logTable: 'CONVEYOR_LOG_TABLE',
  metaTable: 'CONVEYOR_META_TABLE',
  eventBus: 'CONVEYOR_EVENT_BUS',
  packInboxUrl: 'CONVEYOR_PACK_INBOX_URL',
  packInboxArn: 'CONVEYOR_PACK_INBOX_ARN',
  delayQueueUrl: 'CONVEYOR_DELAY_QUEUE_URL',
  delayQueueArn: 'CONVEYOR_DELAY_QUEUE_ARN',
  scheduleGroup: 'CONVEYOR_SCHEDULE_GROUP',
  schedulerRoleArn: 'CONVEYOR_SCHEDULER_ROLE_ARN',
  scheduleTargetArn: 'CONVEYOR_SCHEDULE_TARGET_ARN',
  resourcePrefix: 'CONVEYOR_RESOURCE_PREFIX',
  deliveryFailureQueueArn: 'CONVEYOR_DELIVERY_FAILURE_QUEUE_ARN',
  alarmTopicArn: 'CONVEYOR_ALARM_TOPIC_ARN',
  ackKeySecretArn: 'CONVEYOR_ACK_KEY_SECRET_ARN',
} as const satisfies Record<keyof AwsResources, string>;

/** Selects the backend of a process: `sqlite` (embedded default) or `aws`. */
export const BACKEND_ENV = 'CONVEYOR_BACKEND';

/** The resources a deployment may lack: a stack without `alarmEmail` has no alarm topic. */
export const OPTIONAL_RESOURCES: ReadonlySet<keyof AwsResources> = new Set(['alarmTopicArn']);

/** Reads every resource from the environment; names each missing variable. */
export function resourcesFromEnv(env: NodeJS.ProcessEnv = process.env): AwsResources {
  const missing: string[] = [];
  const read = (field: string, name: string): string | undefined => {
    const value = env[name];
    if ((value === undefined || value === '') && !OPTIONAL_RESOURCES.has(field as keyof AwsResources)) missing.push(name);
    return value === '' ? undefined : value;
  };
  const resources = Object.fromEntries(
    Object.entries(ResourceEnv).flatMap(([field, name]) => {
      const value = read(field, name);
      return value === undefined ? [] : [[field, value]];
    }),
  ) as unknown as AwsResources;
  if (missing.length > 0) throw new Error(`the AWS backend needs ${missing.join(', ')} in the environment`);
  return resources;
}

/** The same resources as environment variables (the stack sets them this way); an absent optional resource sets none. */
export function resourcesToEnv(resources: AwsResources): Record<string, string> {
  return Object.fromEntries(
    Object.entries(ResourceEnv).flatMap(([field, name]) => {
      const value = resources[field as keyof AwsResources];
      return value === undefined ? [] : [[name, value]];
    }),
  );
}

/** CloudFormation output of each resource in ConveyorStack (the local runner reads them back). */
export const ResourceOutput = {
  logTable: 'LogTableName',
  metaTable: 'MetaTableName',
  eventBus: 'EventBusName',
  packInboxUrl: 'PackInboxUrl',
  packInboxArn: 'PackInboxArn',
  delayQueueUrl: 'DelayQueueUrl',
  delayQueueArn: 'DelayQueueArn',
  scheduleGroup: 'ScheduleGroupName',
  schedulerRoleArn: 'SchedulerRoleArn',
  scheduleTargetArn: 'ScheduleTargetFunctionArn',
  resourcePrefix: 'ResourcePrefix',
  deliveryFailureQueueArn: 'DeliveryFailureQueueArn',
  alarmTopicArn: 'AlarmTopicArn',
  ackKeySecretArn: 'AckKeySecretArn',
} as const satisfies Record<keyof AwsResources, string>;
