import { DeleteRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, type EventBridgeClient, type Target } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteQueueCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InvalidFilterError, StorageError, SubscriptionNotFoundError } from '../../domain/errors.js';
import type { Subscription } from '../../domain/types.js';
import { awsErrorName, callAws, translateAwsError } from './awsErrors.js';
import type { AwsClients } from './clients.js';
import type { SubscriptionProvisioner } from './collaborators.js';
import { DeadLetterAlarms } from './DeadLetterAlarms.js';
import { deploymentTags, subscriptionResourceNames, type SubscriptionResourceNames } from './names.js';
import { packInputTransformer, packRulePattern, type FanOut } from './packs/packFormat.js';
import { queuePolicy } from './queuePolicy.js';
import type { AwsResources } from './resources.js';
import { rulePattern } from './sqs/eventPattern.js';
import type { QueueDirectory } from './sqs/QueueDirectory.js';
import { targetDelivery } from './targetDelivery.js';

/** Queues keep messages as long as SQS allows: 14 days. */
const RETENTION_SECONDS = 1_209_600;
/** SQS's largest message: 1 MiB (the queued form of a 256 KB body fits with room to spare). */
const MAX_MESSAGE_BYTES = 1_048_576;
/** Id of the rule's only target. */
const TARGET_ID = 'queue';
/** What creating one more unordered subscription can run into: every rule sits on the deployment's one bus. */
export const RULES_QUOTA = 'EventBridge rules per event bus (300 by default, 100 in af-south-1 and eu-south-1; adjustable in Service Quotas)';

export type SubscriptionResourcesResources = Pick<AwsResources, 'eventBus' | 'resourcePrefix' | 'deliveryFailureQueueArn' | 'alarmTopicArn' | 'packInboxArn'>;

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
 * for an unordered subscription the EventBridge rule that routes the packs
 * naming it from the bus to the pack inbox, wrapped with its queue's name
 * (packFormat.ts; with `fanOut` `event`, the rule of earlier versions: one
 * event per message, its filter as the pattern, straight to the queue, whose
 * policy lets the rule send), and the CloudWatch alarm on the DLQ (DeadLetterAlarms;
 * unless `deadLetterAlarm` is false). Ordered subscriptions get FIFO queues
 * (high-throughput mode: ordering per key) and no rule: the relay sends to
 * them directly.
 *
 * Every queue refuses requests without TLS (its policy); the rule's target
 * retries for a day and then dead-letters to the stack's delivery-failure queue
 * (targetDelivery), so EventBridge drops nothing silently. Subscriptions
 * created before packs keep the rule they were made with (one event per
 * message, filtered by the rule, straight to their queue), which `update`
 * and `destroy` handle alike, since both work by name. Queues, rule and
 * alarm carry the deployment's tags and the topic's and subscription's names.
 *
 * Both operations are idempotent, so a retried create or delete converges:
 * CreateQueue answers the existing queue when the attributes match, PutRule,
 * PutTargets and PutMetricAlarm overwrite, and delete ignores what is gone
 * already. A provision that fails removes what it made before throwing: its
 * names are this attempt's own (they derive from `createdAt`), and a quota error
 * must not leave queues behind at every retry.
 *
 * @example
 * const resources = new SubscriptionResources(clients, awsResources, directory);
 * await resources.provision(subscription);
 */
export class SubscriptionResources implements SubscriptionProvisioner {
  private readonly sqs: SQSClient;
  private readonly events: EventBridgeClient;
  private readonly alarms: DeadLetterAlarms;

  public constructor(
    clients: Pick<AwsClients, 'sqs' | 'events' | 'cloudwatch'>,
    private readonly resources: SubscriptionResourcesResources,
    private readonly directory: QueueDirectory,
    /** What the rules it creates match: packs, or (for the deploy that upgrades from a version without packs) one event per message. */
    public readonly fanOut: FanOut = 'pack',
  ) {
    this.sqs = clients.sqs;
    this.events = clients.events;
    this.alarms = new DeadLetterAlarms(clients, resources);
  }

  /** DLQ, queue, (unordered) rule and target, then the alarm; on failure, removes them again. */
  public async provision(subscription: Subscription): Promise<void> {
    try {
      await this.create(subscription);
    } catch (error) {
      await this.destroy(subscription).catch(() => undefined); // the provisioning error is the one to report
      throw error;
    }
  }

  /**
   * A change of settings (PATCH): the queue's VisibilityTimeout and redrive
   * count follow ackDeadlineSeconds and maxDeliveries, and the dead-letter alarm
   * is put or deleted. Receives, nacks and dead-lettering read the settings from
   * the subscription on every call; the queue's own attributes matter to
   * consumers that attach to it outside the API (an event source mapping).
   */
  public async update(subscription: Subscription): Promise<void> {
    const names = subscriptionResourceNames(this.resources.resourcePrefix, subscription);
    const [queueUrl, deadLetterUrl] = await Promise.all([this.directory.url(names.queue), this.directory.url(names.deadLetterQueue)]);
    if (queueUrl === null || deadLetterUrl === null) throw new SubscriptionNotFoundError(subscription.topic, subscription.name);
    const deadLetterArn = await this.directory.arn(names.deadLetterQueue, deadLetterUrl);
    try {
      await this.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: queueSettings(subscription, deadLetterArn) }));
    } catch (error) {
      if (QUEUE_GONE.includes(awsErrorName(error) ?? '')) {
        this.directory.forget(names.queue);
        throw new SubscriptionNotFoundError(subscription.topic, subscription.name);
      }
      throw translateAwsError(error, 'change the settings of a subscription queue');
    }
    if (subscription.deadLetterAlarm) {
      await this.alarms.put(subscription, names, this.tags(subscription));
    } else {
      await this.alarms.delete(names);
    }
  }

  /** The alarm, the rule's target, the rule, then both queues; whatever is gone already is skipped. */
  public async destroy(subscription: Subscription): Promise<void> {
    const names = subscriptionResourceNames(this.resources.resourcePrefix, subscription);
    // Deleted whatever the setting says now: a no-op when there is none, and a PATCH may have turned it off or on.
    await this.alarms.delete(names);
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
      await ignoring(QUEUE_GONE, 'delete a queue', () => this.sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
    }
  }

  private async create(subscription: Subscription): Promise<void> {
    const names = subscriptionResourceNames(this.resources.resourcePrefix, subscription);
    const tags = this.tags(subscription);
    const common = {
      MessageRetentionPeriod: String(RETENTION_SECONDS),
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      SqsManagedSseEnabled: 'true',
      ...(subscription.ordered ? { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' } : {}),
    };
    const deadLetterUrl = await this.createQueue(names.deadLetterQueue, common, tags);
    const deadLetterArn = await this.directory.arn(names.deadLetterQueue, deadLetterUrl);
    await this.setPolicy(deadLetterUrl, queuePolicy(deadLetterArn), 'refuse requests without TLS to the dead-letter queue');
    const queueUrl = await this.createQueue(names.queue, { ...common, ...queueSettings(subscription, deadLetterArn) }, tags);
    const queueArn = await this.directory.arn(names.queue, queueUrl);
    if (subscription.ordered) {
      await this.setPolicy(queueUrl, queuePolicy(queueArn), 'refuse requests without TLS to the queue');
    } else if (this.fanOut === 'pack') {
      await this.setPolicy(queueUrl, queuePolicy(queueArn), 'refuse requests without TLS to the queue');
      await this.putRule(names.rule, subscription, packRulePattern(subscription.topic, names.rule), tags);
      await this.putTarget(names, { Arn: this.resources.packInboxArn, InputTransformer: packInputTransformer(names.queue) });
    } else {
      const ruleArn = await this.putRule(names.rule, subscription, rulePattern(subscription), tags);
      await this.setPolicy(queueUrl, queuePolicy(queueArn, ruleArn), 'let the rule deliver to the queue');
      await this.putTarget(names, { Arn: queueArn });
    }
    if (subscription.deadLetterAlarm) await this.alarms.put(subscription, names, tags);
  }

  /** What the queues, the rule and the alarm are tagged with: the deployment's tags, the topic and the subscription. */
  private tags(subscription: Subscription): Record<string, string> {
    return { ...deploymentTags(this.resources.resourcePrefix), 'conveyor:topic': subscription.topic, 'conveyor:subscription': subscription.name };
  }

  private async createQueue(name: string, attributes: Record<string, string>, tags: Record<string, string>): Promise<string> {
    const answer = await callAws('create a queue', () => this.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes, tags })));
    if (answer.QueueUrl === undefined) throw new StorageError(`SQS answered no URL for queue ${JSON.stringify(name)}`);
    this.directory.remember(name, answer.QueueUrl);
    return answer.QueueUrl;
  }

  private async setPolicy(queueUrl: string, policy: string, what: string): Promise<void> {
    await callAws(what, () => this.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: policy } })));
  }

  /** The rule: matching the packs naming the subscription (packRulePattern), or each message its filter matches (rulePattern). */
  private async putRule(name: string, subscription: Subscription, pattern: string, tags: Readonly<Record<string, string>>): Promise<string> {
    try {
      const answer = await this.events.send(
        new PutRuleCommand({
          Name: name,
          EventBusName: this.resources.eventBus,
          EventPattern: pattern,
          State: 'ENABLED',
          Description: `Conveyor: topic ${subscription.topic} to subscription ${subscription.name}`.slice(0, 512),
          // Applied when the rule is created (events:TagResource); PutRule ignores Tags on an existing rule.
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      if (answer.RuleArn === undefined) throw new StorageError(`EventBridge answered no ARN for rule ${name}`);
      return answer.RuleArn;
    } catch (error) {
      if (awsErrorName(error) === 'InvalidEventPatternException') {
        throw new InvalidFilterError(`EventBridge refused the filter as an event pattern: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      throw translateAwsError(error, 'create the subscription rule', { quota: RULES_QUOTA });
    }
  }

  /**
   * The rule's only target: the pack inbox, each pack wrapped with the name of
   * the subscription's queue, or the queue itself for a rule of one event per
   * message; retried for a day and then dead-lettered (targetDelivery).
   */
  private async putTarget(names: SubscriptionResourceNames, target: Pick<Target, 'Arn' | 'InputTransformer'>): Promise<void> {
    const targets = await callAws('point the rule at its target', () =>
      this.events.send(new PutTargetsCommand({ Rule: names.rule, EventBusName: this.resources.eventBus, Targets: [{ Id: TARGET_ID, ...target, ...targetDelivery(this.resources) }] })),
    );
    const failure = targets.FailedEntries?.[0];
    if ((targets.FailedEntryCount ?? 0) > 0) {
      throw new StorageError(`EventBridge refused ${target.Arn ?? 'the target'} as target of rule ${names.rule}: ${failure?.ErrorCode ?? 'unknown'}: ${failure?.ErrorMessage ?? ''}`);
    }
  }
}

/** What SQS answers for a queue that does not exist. */
const QUEUE_GONE = ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'];

/** The work queue's attributes that follow the subscription's changeable settings. */
function queueSettings(subscription: Subscription, deadLetterArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(subscription.ackDeadlineSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: redriveMaxReceiveCount(subscription) }),
  };
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
