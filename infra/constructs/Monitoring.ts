import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Api } from './Api.js';
import type { ConveyorFunction } from './ConveyorFunction.js';
import type { Functions } from './Functions.js';
import type { Messaging } from './Messaging.js';

export interface MonitoringProps {
  readonly resourcePrefix: string;
  /** Subscribed to the alarm topic; without it there is no topic. */
  readonly alarmEmail: string | undefined;
  readonly functions: Functions;
  readonly messaging: Messaging;
  readonly api: Api;
  /** Of the alarm topic's KMS key. */
  readonly removalPolicy: RemovalPolicy;
}

/** The relay falls behind the log when its oldest record waits longer than this. */
export const RELAY_ITERATOR_AGE_THRESHOLD = Duration.minutes(1);
/**
 * A delayed message waits in the delay queue for up to 15 minutes by design; one
 * that has waited 20 has missed its due time.
 */
export const DELAY_QUEUE_AGE_THRESHOLD = Duration.minutes(20);

const FIVE_MINUTES = Duration.minutes(5);

interface AlarmSpec {
  readonly metric: IMetric;
  readonly threshold: number;
  /** Strictly above the threshold; by default, at or above it. */
  readonly above?: boolean;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  readonly description: string;
}

/**
 * Alarms on everything that means a message is late or set aside, a dashboard of
 * the same metrics, and, with an email address, an encrypted topic that every
 * alarm notifies.
 */
export class Monitoring extends Construct {
  public readonly alarms: Alarm[] = [];
  public readonly alarmTopic: Topic | undefined;
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { functions, messaging, api } = props;
    const fns: readonly ConveyorFunction[] = [functions.api, functions.relay, functions.delayConsumer, functions.scheduleTarget];

    this.alarmTopic = props.alarmEmail === undefined ? undefined : this.createAlarmTopic(props.alarmEmail, props.removalPolicy);

    const delayDeadLetters = messaging.delayDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' });
    const relayFailures = messaging.relayFailureQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' });
    const iteratorAge = functions.relay.function.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' });
    const delayAge = messaging.delayQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' });

    this.addAlarm('DelayDeadLetters', {
      metric: delayDeadLetters,
      threshold: 1,
      description: 'Delayed messages failed every receive and were set aside in the delay dead-letter queue.',
    });
    this.addAlarm('RelayFailures', {
      metric: relayFailures,
      threshold: 1,
      description: 'The stream relay gave up on log records, so some messages did not reach their subscriptions. The failure queue holds their stream positions.',
    });
    this.addAlarm('RelayIteratorAge', {
      metric: iteratorAge,
      threshold: RELAY_ITERATOR_AGE_THRESHOLD.toMilliseconds(),
      above: true,
      evaluationPeriods: 5,
      description: `Fan-out has lagged the log by more than ${RELAY_ITERATOR_AGE_THRESHOLD.toHumanString()} for 5 minutes.`,
    });
    this.addAlarm('DelayQueueAge', {
      metric: delayAge,
      threshold: DELAY_QUEUE_AGE_THRESHOLD.toSeconds(),
      above: true,
      description: `A delayed message has waited more than ${DELAY_QUEUE_AGE_THRESHOLD.toHumanString()} in the delay queue: delays are released late.`,
    });
    for (const fn of fns) {
      this.addAlarm(`${fn.node.id}Errors`, {
        metric: fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        description: `Invocations of the ${fn.node.id} function failed.`,
      });
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.resourcePrefix}-dashboard`,
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
        [
          graph('API requests', [api.httpApi.metricCount({ period: FIVE_MINUTES }), api.httpApi.metricClientError({ period: FIVE_MINUTES }), api.httpApi.metricServerError({ period: FIVE_MINUTES })]),
          graph('API latency p99 (ms)', [api.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }), api.httpApi.metricIntegrationLatency({ period: FIVE_MINUTES, statistic: 'p99' })]),
        ],
        [
          graph('Invocations', fns.map((fn) => fn.function.metricInvocations({ period: FIVE_MINUTES, label: fn.node.id }))),
          graph('Errors', fns.map((fn) => fn.function.metricErrors({ period: FIVE_MINUTES, label: fn.node.id }))),
          graph('Duration p99 (ms)', fns.map((fn) => fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: fn.node.id }))),
        ],
        [
          graph('Relay iterator age (ms)', [iteratorAge]),
          graph('Delay queue', [messaging.delayQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES }), messaging.delayQueue.metricApproximateNumberOfMessagesNotVisible({ period: FIVE_MINUTES })]),
          graph('Oldest delayed message (s)', [delayAge]),
          graph('Set aside', [delayDeadLetters.with({ label: 'delay dead letters' }), relayFailures.with({ label: 'relay failures' })]),
        ],
      ],
    });
  }

  private addAlarm(id: string, spec: AlarmSpec): void {
    const alarm = new Alarm(this, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      comparisonOperator: spec.above === true ? ComparisonOperator.GREATER_THAN_THRESHOLD : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: spec.description,
      // No data means no messages and no invocations: nothing is wrong.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.alarmTopic !== undefined) alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }

  /** CloudWatch can publish to an encrypted topic only with a customer managed key that lets it. */
  private createAlarmTopic(email: string, removalPolicy: RemovalPolicy): Topic {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the Conveyor alarm topic',
      enableKeyRotation: true,
      removalPolicy,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: 6, height: 6 });
}
