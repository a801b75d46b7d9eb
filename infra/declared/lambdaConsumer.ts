import { Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { SUBSCRIPTION_QUEUES_ENV, subscriptionQueueEntries, type SubscriptionQueueBinding } from '../../src/lambda/subscriptionQueues.js';
import type { ConveyorSubscription } from './ConveyorSubscription.js';

/** How a Lambda function consumes a subscription (aws-cdk-lib's SqsEventSource, with Conveyor's checks). */
export interface LambdaConsumerOptions {
  /**
   * Messages per invocation: 1–10 on an ordered subscription (FIFO queue),
   * 1–10000 otherwise (more than 10 needs `maxBatchingWindow`).
   *
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers messages before it invokes, up to 5 minutes. Not on
   * ordered subscriptions: Lambda does not batch FIFO queues by time.
   *
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Most concurrent invocations for this subscription, 2–1000.
   *
   * @default - as many as Lambda's SQS poller scales to
   */
  readonly maxConcurrency?: number;
  /**
   * A DynamoDB table (partition key `id`, TTL attribute `expiration`, as
   * Powertools' idempotency utility expects) that the function reads and
   * writes, named in its `IDEMPOTENCY_TABLE` variable. One table per function,
   * whatever it consumes. Pass it to `consume()`:
   * `{ idempotency: { tableName: process.env.IDEMPOTENCY_TABLE! } }`.
   *
   * @default false
   */
  readonly idempotency?: boolean;
}

/** The variable that names the idempotency table to the function's code. */
export const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE';
/** Lambda's limits for SQS event sources. */
export const LambdaConsumerLimits = {
  fifoBatchSize: 10,
  batchSize: 10_000,
  /** Batches over this many messages need a batching window. */
  unwindowedBatchSize: 10,
  maxBatchingWindowSeconds: 300,
  maxConcurrency: { min: 2, max: 1000 },
} as const;
/** Lambda's default function timeout, for functions that set none. */
const DEFAULT_FUNCTION_TIMEOUT = Duration.seconds(3);

interface ConsumerCheck {
  readonly subscription: ConveyorSubscription;
  readonly fn: LambdaFunction;
  readonly options: LambdaConsumerOptions;
  readonly bindings: readonly SubscriptionQueueBinding[];
}

interface ValidationRule {
  readonly violated: (check: ConsumerCheck) => boolean;
  readonly message: (check: ConsumerCheck) => string;
}

const ordered = (check: ConsumerCheck): boolean => check.subscription.settings.ordered;
const batchSizeOf = (check: ConsumerCheck): number => check.options.batchSize ?? LambdaConsumerLimits.unwindowedBatchSize;
const maxBatchSizeOf = (check: ConsumerCheck): number => (ordered(check) ? LambdaConsumerLimits.fifoBatchSize : LambdaConsumerLimits.batchSize);
const timeoutOf = (check: ConsumerCheck): Duration => check.fn.timeout ?? DEFAULT_FUNCTION_TIMEOUT;
const queueKind = (check: ConsumerCheck): string => (ordered(check) ? 'an ordered subscription (FIFO queue)' : 'an unordered subscription');

const RULES: readonly ValidationRule[] = [
  {
    violated: (c) => !(Number.isInteger(batchSizeOf(c)) && batchSizeOf(c) >= 1 && batchSizeOf(c) <= maxBatchSizeOf(c)),
    message: (c) => `batchSize must be between 1 and ${maxBatchSizeOf(c)} for ${queueKind(c)}, but ${batchSizeOf(c)} was provided`,
  },
  {
    violated: (c) => ordered(c) && c.options.maxBatchingWindow !== undefined,
    message: (c) => `maxBatchingWindow is not allowed on an ordered subscription (FIFO queue): Lambda does not batch FIFO queues by time, but ${c.options.maxBatchingWindow?.toSeconds()} s was provided`,
  },
  {
    violated: (c) => !ordered(c) && batchSizeOf(c) > LambdaConsumerLimits.unwindowedBatchSize && c.options.maxBatchingWindow === undefined,
    message: (c) => `batchSize above ${LambdaConsumerLimits.unwindowedBatchSize} needs a maxBatchingWindow (Lambda waits for a batch that large only within one), but ${batchSizeOf(c)} was provided without one`,
  },
  {
    violated: (c) => c.options.maxBatchingWindow !== undefined && c.options.maxBatchingWindow.toSeconds() > LambdaConsumerLimits.maxBatchingWindowSeconds,
    message: (c) => `maxBatchingWindow must be at most ${LambdaConsumerLimits.maxBatchingWindowSeconds} seconds, but ${c.options.maxBatchingWindow?.toSeconds()} was provided`,
  },
  {
    violated: (c) =>
      c.options.maxConcurrency !== undefined &&
      !(Number.isInteger(c.options.maxConcurrency) && c.options.maxConcurrency >= LambdaConsumerLimits.maxConcurrency.min && c.options.maxConcurrency <= LambdaConsumerLimits.maxConcurrency.max),
    message: (c) => `maxConcurrency must be between ${LambdaConsumerLimits.maxConcurrency.min} and ${LambdaConsumerLimits.maxConcurrency.max}, but ${c.options.maxConcurrency} was provided`,
  },
  {
    violated: (c) => timeoutOf(c).toSeconds() > c.subscription.settings.ackDeadlineSeconds,
    message: (c) =>
      `the function's timeout (${timeoutOf(c).toSeconds()} s) must not exceed the subscription's ackDeadlineSeconds (${c.subscription.settings.ackDeadlineSeconds}): ` +
      'Lambda refuses an SQS event source whose visibility timeout is shorter than the function timeout',
  },
  {
    violated: (c) => c.bindings.some((binding) => binding.topic === c.subscription.topicName && binding.subscription === c.subscription.subscriptionName),
    message: () => 'the function consumes this subscription already: Lambda allows one event source mapping per queue and function',
  },
];

/** What each function consumes, and its idempotency table: kept per function, since several subscriptions may share one. */
const bindingsOf = new WeakMap<LambdaFunction, SubscriptionQueueBinding[]>();
const idempotencyTables = new WeakMap<LambdaFunction, Table>();

/**
 * `ConveyorSubscription.addLambdaConsumer`: checks the options (one error
 * listing every problem), adds the event source mapping with partial batch
 * responses, and sets the function's variables.
 */
export function attachLambdaConsumer(subscription: ConveyorSubscription, fn: LambdaFunction, options: LambdaConsumerOptions): SqsEventSource {
  const bindings = bindingsOf.get(fn) ?? [];
  const problems = RULES.filter((rule) => rule.violated({ subscription, fn, options, bindings })).map((rule) => rule.message({ subscription, fn, options, bindings }));
  if (problems.length > 0) {
    throw new Error(`Invalid Lambda consumer ${fn.node.path} of subscription "${subscription.topicName}/${subscription.subscriptionName}":\n- ${problems.join('\n- ')}`);
  }
  const source = new SqsEventSource(subscription.queue, {
    batchSize: batchSizeOf({ subscription, fn, options, bindings }),
    reportBatchItemFailures: true,
    ...(options.maxBatchingWindow === undefined ? {} : { maxBatchingWindow: options.maxBatchingWindow }),
    ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
  });
  // The event source grants what consuming takes: receive, delete, change visibility, get attributes and URL of this queue.
  fn.addEventSource(source);
  bindSubscription(fn, bindings, {
    queueArn: subscription.queueArn,
    topic: subscription.topicName,
    subscription: subscription.subscriptionName,
    maxDeliveries: subscription.settings.maxDeliveries,
  });
  if (options.idempotency === true) addIdempotencyTable(fn);
  return source;
}

/** Adds the binding to CONVEYOR_SUBSCRIPTION_QUEUES, which lists every subscription the function consumes. */
function bindSubscription(fn: LambdaFunction, bindings: SubscriptionQueueBinding[], binding: SubscriptionQueueBinding): void {
  if (bindings.length === 0) {
    bindingsOf.set(fn, bindings);
    // Resolved at synthesis, when every binding is known; the ARNs are tokens of the custom resources' attributes.
    fn.addEnvironment(SUBSCRIPTION_QUEUES_ENV, Lazy.string({ produce: () => Stack.of(fn).toJsonString(subscriptionQueueEntries(bindings)) }));
  }
  bindings.push(binding);
}

function addIdempotencyTable(fn: LambdaFunction): void {
  if (idempotencyTables.has(fn)) return;
  const table = new Table(fn, 'ConveyorIdempotency', {
    partitionKey: { name: 'id', type: AttributeType.STRING },
    timeToLiveAttribute: 'expiration',
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Records of handled message ids, kept for an hour by default: nothing to keep when the function goes.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  table.grantReadWriteData(fn);
  fn.addEnvironment(IDEMPOTENCY_TABLE_ENV, table.tableName);
  idempotencyTables.set(fn, table);
}
