import { Aws, Duration, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { subscriptionNamePattern } from './RuntimeAccess.js';

export interface MessagingProps {
  readonly resourcePrefix: string;
  /** Timeout of the delay queue's consumer: the queue hides a received message for six times as long. */
  readonly delayConsumerTimeout: Duration;
  /** Timeout of the pack inbox's consumer, the unpacker: the same rule. */
  readonly unpackerTimeout: Duration;
  /** What happens to the queues when the stack is deleted: the same as for the tables. */
  readonly removalPolicy: RemovalPolicy;
}

/** The bus's physical name; Monitoring's queries over its rules need it as a literal. */
export const eventBusName = (prefix: string): string => `${prefix}-bus`;

/** Receives of a delayed message before it is set aside in the delay dead-letter queue. */
export const DELAY_MAX_RECEIVE_COUNT = 5;

/** SQS's largest message, 1 MiB: what the queues that hold packs take. */
const LARGEST_SQS_MESSAGE = 1_048_576;

/** Receives of a pack before it is set aside in the pack inbox's dead-letter queue. */
export const PACK_MAX_RECEIVE_COUNT = 5;

/** Every queue here: SQS-managed encryption (Scheduler and EventBridge can send without KMS grants) and TLS only. */
const SECURE_QUEUE: QueueProps = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };

/**
 * The bus of the fan-out and the queues behind delays and relay failures. The
 * queues and rules of subscriptions are created at runtime, not here.
 */
export class Messaging extends Construct {
  /** The stream relay puts every message here, in packs; one rule per subscription (`<prefix>-s-*`) routes the packs naming it to the pack inbox. */
  public readonly bus: EventBus;
  /** What the subscriptions' rules deliver: each pack wrapped with its subscription's queue name; the unpacker queues its messages. */
  public readonly packInbox: Queue;
  /** Packs that failed `PACK_MAX_RECEIVE_COUNT` receives (or are not packs); an alarm watches it. */
  public readonly packDeadLetterQueue: Queue;
  /** Delayed messages (up to 15 min per hop); its consumer appends them to the log when due. */
  public readonly delayQueue: Queue;
  /** Delayed messages that failed `DELAY_MAX_RECEIVE_COUNT` receives. */
  public readonly delayDeadLetterQueue: Queue;
  /** On-failure destination of the relay: the stream positions of batches it gave up on. */
  public readonly relayFailureQueue: Queue;
  /**
   * Dead-letter queue of every target created at runtime: the EventBridge rules of
   * subscriptions and the Scheduler schedules of cron schedules and long delays.
   * Both services put here, with the error, what they could not deliver after
   * their retry policy ran out.
   */
  public readonly deliveryFailureQueue: Queue;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const prefix = props.resourcePrefix;
    const secureQueue: QueueProps = { ...SECURE_QUEUE, removalPolicy: props.removalPolicy };
    this.bus = new EventBus(this, 'Bus', { eventBusName: eventBusName(prefix) });
    this.delayDeadLetterQueue = new Queue(this, 'DelayDeadLetterQueue', {
      ...secureQueue,
      queueName: `${prefix}-delay-dlq`,
      retentionPeriod: Duration.days(14),
    });
    this.delayQueue = new Queue(this, 'DelayQueue', {
      ...secureQueue,
      queueName: `${prefix}-delay`,
      // Lambda's advice for an SQS event source: six times the function timeout.
      visibilityTimeout: Duration.seconds(6 * props.delayConsumerTimeout.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.delayDeadLetterQueue, maxReceiveCount: DELAY_MAX_RECEIVE_COUNT },
    });
    this.packDeadLetterQueue = new Queue(this, 'PackDeadLetterQueue', {
      ...secureQueue,
      queueName: `${prefix}-pack-dlq`,
      retentionPeriod: Duration.days(14),
      maxMessageSizeBytes: LARGEST_SQS_MESSAGE,
    });
    this.packInbox = new Queue(this, 'PackInbox', {
      ...secureQueue,
      queueName: `${prefix}-pack-inbox`,
      visibilityTimeout: Duration.seconds(6 * props.unpackerTimeout.toSeconds()),
      retentionPeriod: Duration.days(4),
      // A pack of 256 KB of event, wrapped: above SQS's old 256 KiB limit.
      maxMessageSizeBytes: LARGEST_SQS_MESSAGE,
      deadLetterQueue: { queue: this.packDeadLetterQueue, maxReceiveCount: PACK_MAX_RECEIVE_COUNT },
    });
    this.relayFailureQueue = new Queue(this, 'RelayFailureQueue', {
      ...secureQueue,
      queueName: `${prefix}-relay-failures`,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.relayFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter store: the on-failure destination of the stream relay. An alarm watches its depth.',
    });
    // Standard, not FIFO: Scheduler refuses a FIFO dead-letter queue.
    this.deliveryFailureQueue = new Queue(this, 'DeliveryFailureQueue', {
      ...secureQueue,
      queueName: `${prefix}-delivery-failures`,
      retentionPeriod: Duration.days(14),
      // A pack that a rule could not deliver arrives whole, with the error's attributes: more than 256 KiB.
      maxMessageSizeBytes: LARGEST_SQS_MESSAGE,
    });
    Validations.of(this.deliveryFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter store: the dead-letter queue of the rule targets and schedules created at runtime. An alarm watches its depth.',
    });
    this.allowRuleTargets(prefix);
  }

  /**
   * The subscriptions' rules deliver packs to the inbox, and EventBridge sends
   * a rule target's undeliverable event to its dead-letter queue as itself, so
   * both queues must allow it; only rules of this bus named for subscriptions,
   * in this account. (Scheduler sends as the scheduler role instead, which
   * Scheduling grants.)
   */
  private allowRuleTargets(prefix: string): void {
    const ruleArns = Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: `${this.bus.eventBusName}/${subscriptionNamePattern(prefix)}` });
    const senders: ReadonlyArray<readonly [Queue, string]> = [
      [this.packInbox, 'SubscriptionRulesDeliverPacks'],
      [this.deliveryFailureQueue, 'SubscriptionRulesDeadLetter'],
    ];
    for (const [queue, sid] of senders) {
      queue.addToResourcePolicy(
        new PolicyStatement({
          sid,
          principals: [new ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnLike: { 'aws:SourceArn': ruleArns }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
    }
  }
}
