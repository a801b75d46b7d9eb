import { DeleteAlarmsCommand, PutMetricAlarmCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Subscription } from '../../domain/types.js';
import { awsErrorName, callAws, translateAwsError } from './awsErrors.js';
import type { AwsClients } from './clients.js';
import type { SubscriptionResourceNames } from './names.js';
import type { AwsResources } from './resources.js';

/** CloudWatch's quota that a deployment with many subscriptions runs into. */
export const ALARMS_QUOTA = 'CloudWatch alarms per account and Region';

/** Errors DeleteAlarms answers for an alarm that is not there. */
const GONE = new Set(['ResourceNotFound', 'ResourceNotFoundException']);

/**
 * The CloudWatch alarm each subscription gets on its dead-letter queue (unless
 * created with `deadLetterAlarm: false`): in alarm as soon as one message is
 * dead-lettered (SQS `ApproximateNumberOfMessagesVisible` of the DLQ ≥ 1, the
 * largest value of each minute), notifying the stack's alarm topic when it has
 * one. Named `<prefix>-s-<digest>-dead-letters`, inside the API role's grant.
 *
 * @example
 * const alarms = new DeadLetterAlarms(clients, resources);
 * await alarms.put(subscription, subscriptionResourceNames(prefix, subscription), tags);
 * await alarms.delete(names);
 */
export class DeadLetterAlarms {
  private readonly cloudwatch: CloudWatchClient;

  public constructor(
    clients: Pick<AwsClients, 'cloudwatch'>,
    private readonly resources: Pick<AwsResources, 'alarmTopicArn'>,
  ) {
    this.cloudwatch = clients.cloudwatch;
  }

  /** Creates the alarm, or replaces it (PutMetricAlarm overwrites an alarm of the same name). */
  public async put(subscription: Subscription, names: SubscriptionResourceNames, tags: Readonly<Record<string, string>>): Promise<void> {
    const topic = this.resources.alarmTopicArn;
    await callAws(
      'create the dead-letter alarm of a subscription',
      () =>
        this.cloudwatch.send(
          new PutMetricAlarmCommand({
            AlarmName: names.deadLetterAlarm,
            AlarmDescription: `Conveyor: messages were dead-lettered in subscription ${subscription.name} of topic ${subscription.topic} (queue ${names.deadLetterQueue}). See GET /v1/topics/${subscription.topic}/subscriptions/${subscription.name}/dead-letters.`.slice(0, 1024),
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: names.deadLetterQueue }],
            Statistic: 'Maximum',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            // SQS publishes nothing for an idle queue: no data means no dead letters.
            TreatMissingData: 'notBreaching',
            ...(topic === undefined ? {} : { AlarmActions: [topic] }),
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      { quota: ALARMS_QUOTA },
    );
  }

  /** Deletes the alarm; one that is not there (never created, or deleted already) is fine. */
  public async delete(names: SubscriptionResourceNames): Promise<void> {
    try {
      await this.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [names.deadLetterAlarm] }));
    } catch (error) {
      if (GONE.has(awsErrorName(error) ?? '')) return;
      throw translateAwsError(error, 'delete the dead-letter alarm of a subscription');
    }
  }
}
