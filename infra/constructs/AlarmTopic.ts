import type { RemovalPolicy } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Subscribed to the topic (SNS asks it to confirm). */
  readonly email: string;
  /** Of the topic's KMS key. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The SNS topic every alarm notifies: the stack's own alarms and the
 * dead-letter alarm each subscription gets at runtime (its ARN reaches the
 * functions through `CONVEYOR_ALARM_TOPIC_ARN`). Encrypted with a customer
 * managed key, because CloudWatch can publish to an encrypted topic only with a
 * key that lets it; TLS only.
 *
 * @example
 * const alerting = new AlarmTopic(stack, 'Alerting', { email: 'ops@example.com', removalPolicy: RemovalPolicy.RETAIN });
 * alarm.addAlarmAction(new SnsAction(alerting.topic));
 */
export class AlarmTopic extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the Conveyor alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
