import { CreateTableCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import type { SubscriptionSettings } from '../../src/domain/types.js';
import type { SqsLambdaHandler } from '../../src/emulation/lambdaContext.js';
import { SUBSCRIPTION_QUEUES_ENV, subscriptionQueuesVariable, type SubscriptionQueueBinding } from '../../src/lambda/subscriptionQueues.js';
import { subscriptionSettings, type LocalAwsFixture } from '../aws/localAwsFixture.js';

/** A consumer attached to a subscription queue on the emulator, as `addLambdaConsumer` attaches one on AWS. */
export interface AttachedConsumer {
  readonly queueArn: string;
  readonly queueUrl: string;
  detach(): void;
}

/**
 * Drives the AWS deployment on the emulator the way the specs need: creates
 * subscriptions with their queues, attaches handlers through the runner's
 * emulated event source mapping (CONVEYOR_SUBSCRIPTION_QUEUES set as the
 * construct sets it), and moves time past visibility timeouts.
 */
export class MappingDriver {
  private readonly bindings: SubscriptionQueueBinding[] = [];

  public constructor(private readonly aws: LocalAwsFixture) {}

  /** A topic and a subscription of it (settings as the API's defaults, changed by `overrides`). */
  public async subscription(topic: string, name: string, overrides: Partial<SubscriptionSettings> = {}): Promise<void> {
    await this.aws.broker.topics.create(topic, { partitions: 2, retentionHours: 24, dedupWindowSeconds: 3600 });
    await this.aws.broker.subscriptions.create(topic, name, subscriptionSettings({ ackDeadlineSeconds: 5, deadLetterAlarm: false, ...overrides }));
  }

  /** Attaches `handler` to the subscription's queue, whose ARN and URL the API names (`aws`). */
  public async attach(topic: string, name: string, handler: SqsLambdaHandler, batchSize = 10): Promise<AttachedConsumer> {
    const description = await this.aws.broker.subscriptions.describe(topic, name);
    const queues = description.aws;
    if (queues === undefined) throw new Error(`subscription ${topic}/${name} has no AWS queues`);
    this.bindings.push({ queueArn: queues.queueArn, topic, subscription: name, maxDeliveries: description.maxDeliveries });
    process.env[SUBSCRIPTION_QUEUES_ENV] = subscriptionQueuesVariable(this.bindings);
    const detach = this.aws.local.runner.attachConsumer({ queueUrl: queues.queueUrl, queueArn: queues.queueArn, handler, batchSize, functionName: `${topic}-${name}` });
    return { queueArn: queues.queueArn, queueUrl: queues.queueUrl, detach };
  }

  /** Relays what was published and runs the attached consumers until nothing is left to do. */
  public async settle(): Promise<void> {
    await this.aws.local.runner.settle(true);
  }

  /** Moves the broker's and the emulator's clocks ahead (past visibility timeouts), then settles. */
  public async advance(ms: number): Promise<void> {
    this.aws.clock.advance(ms);
    await this.aws.emulator.setClock(this.aws.clock.state());
    await this.settle();
  }

  public forget(): void {
    this.bindings.length = 0;
    delete process.env[SUBSCRIPTION_QUEUES_ENV];
  }
}

/**
 * A table as Powertools' DynamoDB persistence layer expects it: partition key
 * `id` (S), TTL on `expiration`.
 */
export async function createIdempotencyTable(dynamo: DynamoDBClient, name: string): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({ TableName: name, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
  await dynamo.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true } }));
}

/** Every record a handler was invoked with, in order: a stand-in for the function Lambda would run. */
export class RecordingHandler {
  public readonly records: SQSRecord[] = [];

  public constructor(private readonly inner: SqsLambdaHandler) {}

  public readonly handler: SqsLambdaHandler = async (event, context) => {
    this.records.push(...event.Records);
    return this.inner(event, context);
  };
}
