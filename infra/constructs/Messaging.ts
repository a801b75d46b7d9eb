import { Duration, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MessagingProps {
  readonly resourcePrefix: string;
  /** Timeout of the delay queue's consumer: the queue hides a received message for six times as long. */
  readonly delayConsumerTimeout: Duration;
}

/** Receives of a delayed message before it is set aside in the delay dead-letter queue. */
export const DELAY_MAX_RECEIVE_COUNT = 5;

/** Every queue here: SQS-managed encryption (Scheduler and EventBridge can send without KMS grants) and TLS only. */
const SECURE_QUEUE: QueueProps = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };

/**
 * The bus of the fan-out and the queues behind delays and relay failures. The
 * queues and rules of subscriptions are created at runtime, not here.
 */
export class Messaging extends Construct {
  /** The stream relay puts every message here; one rule per subscription (`<prefix>-s-*`) routes it to its queue. */
  public readonly bus: EventBus;
  /** Delayed messages (up to 15 min per hop); its consumer appends them to the log when due. */
  public readonly delayQueue: Queue;
  /** Delayed messages that failed `DELAY_MAX_RECEIVE_COUNT` receives. */
  public readonly delayDeadLetterQueue: Queue;
  /** On-failure destination of the relay: the stream positions of batches it gave up on. */
  public readonly relayFailureQueue: Queue;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const prefix = props.resourcePrefix;
    this.bus = new EventBus(this, 'Bus', { eventBusName: `${prefix}-bus` });
    this.delayDeadLetterQueue = new Queue(this, 'DelayDeadLetterQueue', {
      ...SECURE_QUEUE,
      queueName: `${prefix}-delay-dlq`,
      retentionPeriod: Duration.days(14),
    });
    this.delayQueue = new Queue(this, 'DelayQueue', {
      ...SECURE_QUEUE,
      queueName: `${prefix}-delay`,
      // Lambda's advice for an SQS event source: six times the function timeout.
      visibilityTimeout: Duration.seconds(6 * props.delayConsumerTimeout.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.delayDeadLetterQueue, maxReceiveCount: DELAY_MAX_RECEIVE_COUNT },
    });
    this.relayFailureQueue = new Queue(this, 'RelayFailureQueue', {
      ...SECURE_QUEUE,
      queueName: `${prefix}-relay-failures`,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.relayFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter store: the on-failure destination of the stream relay. An alarm watches its depth.',
    });
  }
}
