import { DeleteRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteQueueCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InvalidFilterError, StorageError } from '../../domain/errors.js';
import type { Subscription } from '../../domain/types.js';
import { awsErrorName, callAws, translateAwsError } from './awsErrors.js';
import type { AwsClients } from './clients.js';
import type { SubscriptionProvisioner } from './collaborators.js';
import { subscriptionResourceNames } from './names.js';
import type { AwsResources } from './resources.js';
import { queuePolicy, rulePattern } from './sqs/eventPattern.js';
import type { QueueDirectory } from './sqs/QueueDirectory.js';

/** Queues keep messages as long as SQS allows: 14 days. */
const RETENTION_SECONDS = 1_209_600;
/** SQS's largest message: 1 MiB (the queued form of a 256 KB body fits with room to spare). */
const MAX_MESSAGE_BYTES = 1_048_576;
/** Id of the rule's only target. */
const TARGET_ID = 'queue';

/**
 * The messages a queue may receive before SQS's own redrive moves one to the
 * DLQ. Conveyor moves a message itself when a receive finds it past
 * maxDeliveries (SqsSubscriptionQueues), with the dead-letter time and its
 * telemetry; SQS's redrive, one receive later, is the net under that.
 */
export function redriveMaxReceiveCount(subscription: Pick<Subscription, 'maxDeliveries'>): number {
  return subscription.maxDeliveries + 1;
}

/**
 * Creates and removes what a subscription runs on: a dead-letter queue, the
 * work queue (redrive policy to the DLQ, VisibilityTimeout = ackDeadlineSeconds),
 * and, for an unordered subscription, the EventBridge rule that routes its
 * topic's matching messages from the bus to the queue. Ordered subscriptions
 * get FIFO queues (high-throughput mode: ordering per key) and no rule: the
 * relay sends to them directly.
 *
 * Both operations are idempotent, so a retried create or delete converges:
 * CreateQueue answers the existing queue when the attributes match, PutRule and
 * PutTargets overwrite, and delete ignores what is gone already. (A CloudWatch
 * alarm on the DLQ depth would belong here too; it needs @aws-sdk/client-cloudwatch,
 * which the project does not depend on.)
 *
 * @example
 * const resources = new SubscriptionResources(clients, awsResources, directory);
 * await resources.provision(subscription);
 */
export class SubscriptionResources implements SubscriptionProvisioner {
  private readonly sqs: SQSClient;
  private readonly events: EventBridgeClient;

  public constructor(
    clients: Pick<AwsClients, 'sqs' | 'events'>,
    private readonly resources: Pick<AwsResources, 'eventBus' | 'resourcePrefix'>,
    private readonly directory: QueueDirectory,
  ) {
    this.sqs = clients.sqs;
    this.events = clients.events;
  }

  /** DLQ, then the queue with its redrive policy, then (unordered) the rule, the queue policy and the target. */
  public async provision(subscription: Subscription): Promise<void> {
    const names = subscriptionResourceNames(this.resources.resourcePrefix, subscription);
    const tags = { 'conveyor:topic': subscription.topic, 'conveyor:subscription': subscription.name };
    const common = {
      MessageRetentionPeriod: String(RETENTION_SECONDS),
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      SqsManagedSseEnabled: 'true',
      ...(subscription.ordered ? { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' } : {}),
    };
    const deadLetterUrl = await this.createQueue(names.deadLetterQueue, common, tags);
    const deadLetterArn = await this.directory.arn(names.deadLetterQueue, deadLetterUrl);
    const queueUrl = await this.createQueue(
      names.queue,
      {
        ...common,
        VisibilityTimeout: String(subscription.ackDeadlineSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: redriveMaxReceiveCount(subscription) }),
      },
      tags,
    );
    if (subscription.ordered) return;
    const queueArn = await this.directory.arn(names.queue, queueUrl);
    const ruleArn = await this.putRule(names.rule, subscription);
    await callAws('let the rule deliver to the queue', () => this.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: queuePolicy(queueArn, ruleArn) } })));
    const targets = await callAws('point the rule at the queue', () =>
      this.events.send(new PutTargetsCommand({ Rule: names.rule, EventBusName: this.resources.eventBus, Targets: [{ Id: TARGET_ID, Arn: queueArn }] })),
    );
    const failure = targets.FailedEntries?.[0];
    if ((targets.FailedEntryCount ?? 0) > 0) {
      throw new StorageError(`EventBridge refused the queue as target of rule ${names.rule}: ${failure?.ErrorCode ?? 'unknown'}: ${failure?.ErrorMessage ?? ''}`);
    }
  }

  /** The rule's target, the rule, then both queues; whatever is gone already is skipped. */
  public async destroy(subscription: Subscription): Promise<void> {
    const names = subscriptionResourceNames(this.resources.resourcePrefix, subscription);
    if (!subscription.ordered) {
      await ignoring(['ResourceNotFoundException'], 'remove the rule target', () =>
        this.events.send(new RemoveTargetsCommand({ Rule: names.rule, EventBusName: this.resources.eventBus, Ids: [TARGET_ID] })),
      );
      await ignoring(['ResourceNotFoundException'], 'delete the rule', () => this.events.send(new DeleteRuleCommand({ Name: names.rule, EventBusName: this.resources.eventBus })));
    }
    for (const name of [names.queue, names.deadLetterQueue]) {
      const url = await this.directory.url(name);
      this.directory.forget(name);
      if (url === null) continue;
      await ignoring(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'], 'delete a queue', () => this.sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
    }
  }

  private async createQueue(name: string, attributes: Record<string, string>, tags: Record<string, string>): Promise<string> {
    const answer = await callAws('create a queue', () => this.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes, tags })));
    if (answer.QueueUrl === undefined) throw new StorageError(`SQS answered no URL for queue ${JSON.stringify(name)}`);
    this.directory.remember(name, answer.QueueUrl);
    return answer.QueueUrl;
  }

  private async putRule(name: string, subscription: Subscription): Promise<string> {
    try {
      const answer = await this.events.send(
        new PutRuleCommand({
          Name: name,
          EventBusName: this.resources.eventBus,
          EventPattern: rulePattern(subscription),
          State: 'ENABLED',
          // No Tags: tagging a rule takes events:TagResource too; the description names the subscription.
          Description: `Conveyor: topic ${subscription.topic} to subscription ${subscription.name}`.slice(0, 512),
        }),
      );
      if (answer.RuleArn === undefined) throw new StorageError(`EventBridge answered no ARN for rule ${name}`);
      return answer.RuleArn;
    } catch (error) {
      if (awsErrorName(error) === 'InvalidEventPatternException') {
        throw new InvalidFilterError(`EventBridge refused the filter as an event pattern: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      throw translateAwsError(error, 'create the subscription rule');
    }
  }
}

/** Runs an AWS call, treating the named errors (a resource already gone) as done. */
async function ignoring(names: readonly string[], what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (names.includes(awsErrorName(error) ?? '')) return;
    throw translateAwsError(error, what);
  }
}
