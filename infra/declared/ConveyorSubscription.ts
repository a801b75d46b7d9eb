import { RemovalPolicy, type CustomResource } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StartFrom } from '../../src/domain/constants.js';
import type { SubscriptionSettings } from '../../src/domain/types.js';
import { checkSubscription, DeclaredType } from '../../src/provisioning/declarations.js';
import type { ConveyorTopic } from './ConveyorTopic.js';
import { checkedAtSynth, type Declarations } from './Declarations.js';
import { attachLambdaConsumer, type LambdaConsumerOptions } from './lambdaConsumer.js';

/** A subscription's settings, as `PUT …/subscriptions/{subscription}` takes them, and what CloudFormation does with it. */
export interface ConveyorSubscriptionProps {
  /**
   * An EventBridge event pattern matched against `{key, attributes, body}`.
   *
   * @default - every message of the topic
   */
  readonly filter?: Readonly<Record<string, unknown>> | null;
  /**
   * The lease a delivery gets (the SQS visibility timeout), 1–43200 seconds.
   * A Lambda consumer's timeout must not exceed it.
   *
   * @default 30
   */
  readonly ackDeadlineSeconds?: number;
  /**
   * Deliveries before a message becomes a dead letter, 1–100.
   *
   * @default 5
   */
  readonly maxDeliveries?: number;
  /**
   * Backoff between deliveries of a nacked message (0–86400 seconds each).
   *
   * @default { minSeconds: 1, maxSeconds: 600 }
   */
  readonly retryBackoff?: { readonly minSeconds?: number; readonly maxSeconds?: number };
  /**
   * Deliver messages that share a key one at a time, in order (an SQS FIFO queue).
   *
   * @default false
   */
  readonly ordered?: boolean;
  /**
   * `earliest` also queues every retained message of the topic when the subscription is created.
   *
   * @default 'latest'
   */
  readonly startFrom?: StartFrom;
  /**
   * A CloudWatch alarm on the subscription's dead-letter queue.
   *
   * @default true
   */
  readonly deadLetterAlarm?: boolean;
  /**
   * What happens to the subscription when it is removed from the app or its
   * stack is deleted. Its queues hold only copies of the topic's messages.
   *
   * @default RemovalPolicy.DESTROY - removing the subscription from the app deletes it, its queues and what waits in them on the next deployment
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** @internal What `ConveyorTopic.addSubscription` adds to the props. */
export interface ConveyorSubscriptionConstructProps extends ConveyorSubscriptionProps {
  readonly name: string;
  readonly topic: ConveyorTopic;
  readonly declarations: Declarations;
}

/**
 * A subscription declared in a CDK app: created (or adopted, when the API
 * created it with the same settings) by a custom resource that calls the
 * broker, as `PUT …/subscriptions/{subscription}` does, after its topic. Its
 * SQS queue comes back as the custom resource's attributes, so Lambda
 * functions can consume it directly (`addLambdaConsumer`). A changed
 * ackDeadlineSeconds, maxDeliveries, retryBackoff or deadLetterAlarm is applied
 * in place, as `PATCH …/subscriptions/{subscription}` does; filter, ordered and
 * startFrom are fixed once it exists: changing one fails the deployment with
 * the API's 409 Conflict naming it; declare a subscription of another name instead.
 *
 * @example
 * const billing = orders.addSubscription('billing', { maxDeliveries: 5, ackDeadlineSeconds: 30 });
 * billing.addLambdaConsumer(billingFn, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), maxConcurrency: 5 });
 */
export class ConveyorSubscription extends Construct {
  public readonly topicName: string;
  public readonly subscriptionName: string;
  /** The settings with the API's defaults applied, as the custom resource gets them. */
  public readonly settings: SubscriptionSettings;
  /** The custom resource (`Custom::ConveyorSubscription`); its physical id is `topics/<topic>/subscriptions/<name>`. */
  public readonly resource: CustomResource;
  /** ARN of the subscription's SQS queue (FIFO when ordered). */
  public readonly queueArn: string;
  public readonly queueUrl: string;
  /** ARN of the queue's dead-letter queue. */
  public readonly deadLetterQueueArn: string;
  /** The queue, imported from the custom resource's attributes. */
  public readonly queue: IQueue;

  constructor(scope: Construct, id: string, props: ConveyorSubscriptionConstructProps) {
    super(scope, id);
    const { name, topic, declarations, removalPolicy, ...settings } = props;
    this.topicName = topic.topicName;
    this.subscriptionName = name;
    this.settings = checkedAtSynth(`subscription ${JSON.stringify(`${topic.topicName}/${name}`)}`, () => checkSubscription(topic.topicName, name, settings));
    this.resource = declarations.declare(this, 'Resource', {
      type: DeclaredType.Subscription,
      name,
      topic: topic.topicName,
      settings: this.settings,
      removalPolicy: removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.resource.node.addDependency(topic.resource);
    this.queueArn = this.resource.getAttString('QueueArn');
    this.queueUrl = this.resource.getAttString('QueueUrl');
    this.deadLetterQueueArn = this.resource.getAttString('DeadLetterQueueArn');
    this.queue = Queue.fromQueueAttributes(this, 'Queue', { queueArn: this.queueArn, queueUrl: this.queueUrl, fifo: this.settings.ordered });
  }

  /**
   * Invokes `fn` with this subscription's messages: an SQS event source mapping
   * on its queue that reports partial batch failures, so only the messages
   * that failed are retried (and dead-lettered after `maxDeliveries`). The
   * function gets what consuming the queue needs, and
   * `CONVEYOR_SUBSCRIPTION_QUEUES`, which tells `consume()` (conveyor/lambda)
   * which subscription the queue belongs to; a function that consumes several
   * subscriptions gets them all in it. `idempotency: true` adds a DynamoDB
   * table for Powertools' idempotency utility and sets `IDEMPOTENCY_TABLE`.
   *
   * @example
   * billing.addLambdaConsumer(billingFn, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), maxConcurrency: 5, idempotency: true });
   * // in billingFn: export const handler = consume(charge, { idempotency: { tableName: process.env.IDEMPOTENCY_TABLE! } });
   */
  public addLambdaConsumer(fn: LambdaFunction, options: LambdaConsumerOptions = {}): SqsEventSource {
    return attachLambdaConsumer(this, fn, options);
  }
}
