import { Duration } from 'aws-cdk-lib';
import { Alarm, AlarmStatusWidget, ComparisonOperator, Dashboard, GraphWidget, TreatMissingData, type CfnDashboard, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Api } from './Api.js';
import type { ConveyorFunction } from './ConveyorFunction.js';
import { busRulesMetric, FIVE_MINUTES, scheduleTargetFailures, tableThrottleEvents, transactionConflicts } from './deliveryMetrics.js';
import type { Functions } from './Functions.js';
import { eventBusName, type Messaging } from './Messaging.js';
import type { Scheduling } from './Scheduling.js';
import type { Tables } from './Tables.js';

export interface MonitoringProps {
  readonly resourcePrefix: string;
  /** Every alarm notifies it; without it the alarms only change state. */
  readonly alarmTopic: ITopic | undefined;
  readonly functions: Functions;
  readonly messaging: Messaging;
  readonly scheduling: Scheduling;
  readonly tables: Tables;
  readonly api: Api;
}

/** The relay falls behind the log when its oldest record waits longer than this. */
export const RELAY_ITERATOR_AGE_THRESHOLD = Duration.minutes(1);
/**
 * A delayed message waits in the delay queue for up to 15 minutes by design; one
 * that has waited 20 has missed its due time.
 */
export const DELAY_QUEUE_AGE_THRESHOLD = Duration.minutes(20);

/**
 * Age of the oldest pack in the pack inbox beyond which fan-out counts as late:
 * the unpacker takes packs within seconds, so 5 minutes means it is failing
 * or throttled.
 */
export const PACK_INBOX_AGE_THRESHOLD = Duration.minutes(5);
/**
 * Transaction conflicts per 5 minutes, three periods in a row, that mean
 * sustained contention: racing writers retry conflicts for up to 10 s (the
 * contention budget) before answering 503, so a few are normal under load.
 */
export const TRANSACTION_CONFLICT_THRESHOLD = 100;
/** Consecutive 5-minute periods for the alarms on conditions that a burst alone may cause. */
export const SUSTAINED_PERIODS = 3;

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
 * Alarms on everything that means a message is late, set aside or lost, or
 * that a request failed; a dashboard of the same metrics. Each alarm notifies the
 * alarm topic when there is one. Missing data is not breaching: no data means no
 * messages and no invocations.
 */
export class Monitoring extends Construct {
  public readonly alarms: Alarm[] = [];
  public readonly alarmTopic: ITopic | undefined;
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { functions, messaging, scheduling, tables, api } = props;
    const fns: readonly ConveyorFunction[] = [functions.api, functions.relay, functions.unpacker, functions.delayConsumer, functions.scheduleTarget];
    this.alarmTopic = props.alarmTopic;

    const depth = { period: FIVE_MINUTES, statistic: 'Maximum' } as const;
    const delayDeadLetters = messaging.delayDeadLetterQueue.metricApproximateNumberOfMessagesVisible(depth);
    const relayFailures = messaging.relayFailureQueue.metricApproximateNumberOfMessagesVisible(depth);
    const packDeadLetters = messaging.packDeadLetterQueue.metricApproximateNumberOfMessagesVisible(depth);
    const packAge = messaging.packInbox.metricApproximateAgeOfOldestMessage(depth);
    const deliveryFailures = messaging.deliveryFailureQueue.metricApproximateNumberOfMessagesVisible(depth);
    const iteratorAge = functions.relay.function.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' });
    const delayAge = messaging.delayQueue.metricApproximateAgeOfOldestMessage(depth);
    const bus = eventBusName(props.resourcePrefix);
    const ruleFailures = busRulesMetric(bus, 'FailedInvocations');
    const ruleDeadLetterFailures = busRulesMetric(bus, 'InvocationsFailedToBeSentToDlq');
    const group = scheduling.scheduleGroup;
    const sum = { period: FIVE_MINUTES, statistic: 'Sum' } as const;
    const scheduleDropped = group.metricDropped(sum);
    const scheduleFailures = scheduleTargetFailures(group);
    const scheduleDeadLetterFailures = group.metricFailedToBeSentToDLQ(undefined, sum);
    const apiServerErrors = api.httpApi.metricServerError(sum);
    const conflicts = { log: transactionConflicts(tables.logTable), meta: transactionConflicts(tables.metaTable) };
    const throttleEvents = { log: tableThrottleEvents(tables.logTable, 'log'), meta: tableThrottleEvents(tables.metaTable, 'meta') };

    this.addAlarm('DelayDeadLetters', { metric: delayDeadLetters, threshold: 1, description: 'Delayed messages failed every receive and were set aside in the delay dead-letter queue.' });
    this.addAlarm('PackDeadLetters', {
      metric: packDeadLetters,
      threshold: 1,
      description: `Packs failed every receive and were set aside in ${props.resourcePrefix}-pack-dlq: their messages are missing from the queue each names. Send them back to the pack inbox once the cause is fixed.`,
    });
    this.addAlarm('RelayFailures', {
      metric: relayFailures,
      threshold: 1,
      description: 'The stream relay gave up on log records, so some messages did not reach their subscriptions. The failure queue holds their stream positions.',
    });
    this.addAlarm('DeliveryFailures', {
      metric: deliveryFailures,
      threshold: 1,
      description: `A subscription rule's target or a schedule failed past its retry policy; the event is in ${props.resourcePrefix}-delivery-failures with the error. Messages of a subscription rule are missing from its queue; a long delay or cron tick did not reach the log.`,
    });
    this.addAlarm('RuleTargetFailures', {
      metric: ruleFailures,
      threshold: 1,
      description: `EventBridge failed to deliver events of ${bus} to subscription queues after every retry (FailedInvocations of every rule).`,
    });
    this.addAlarm('RuleDeadLetterFailures', {
      metric: ruleDeadLetterFailures,
      threshold: 1,
      description: `EventBridge could not put failed events of ${bus} in the delivery-failure queue either: those messages are lost to their subscriptions (InvocationsFailedToBeSentToDlq).`,
    });
    this.addAlarm('SchedulerInvocationsDropped', {
      metric: scheduleDropped,
      threshold: 1,
      description: 'EventBridge Scheduler gave up invoking a schedule target after its retry policy (InvocationDroppedCount): a cron tick or a long-delayed message was not delivered.',
    });
    this.addAlarm('SchedulerTargetErrors', {
      metric: scheduleFailures,
      threshold: 1,
      description: 'Schedule targets (the schedule-target function, the delay queue) returned errors other than throttling (TargetErrorCount - TargetErrorThrottledCount); Scheduler retries them.',
    });
    this.addAlarm('SchedulerDeadLetterFailures', {
      metric: scheduleDeadLetterFailures,
      threshold: 1,
      description: 'EventBridge Scheduler could not put a failed invocation in the delivery-failure queue (InvocationsFailedToBeSentToDeadLetterCount).',
    });
    this.addAlarm('RelayIteratorAge', {
      metric: iteratorAge,
      threshold: RELAY_ITERATOR_AGE_THRESHOLD.toMilliseconds(),
      above: true,
      evaluationPeriods: 5,
      description: `Fan-out has lagged the log by more than ${RELAY_ITERATOR_AGE_THRESHOLD.toHumanString()} for 5 minutes.`,
    });
    this.addAlarm('PackInboxAge', {
      metric: packAge,
      threshold: PACK_INBOX_AGE_THRESHOLD.toSeconds(),
      above: true,
      description: `A pack has waited more than ${PACK_INBOX_AGE_THRESHOLD.toHumanString()} in the pack inbox: fan-out to unordered subscriptions is late.`,
    });
    this.addAlarm('DelayQueueAge', {
      metric: delayAge,
      threshold: DELAY_QUEUE_AGE_THRESHOLD.toSeconds(),
      above: true,
      description: `A delayed message has waited more than ${DELAY_QUEUE_AGE_THRESHOLD.toHumanString()} in the delay queue: delays are released late.`,
    });
    // The error middleware answers every exception with a 5xx response, so the functions' Errors never count them.
    this.addAlarm('ApiServerErrors', { metric: apiServerErrors, threshold: 1, description: 'The HTTP API answered 5xx (500 Internal or 503 Unavailable) to a request.' });
    for (const fn of fns) {
      this.addAlarm(`${fn.node.id}Errors`, { metric: fn.function.metricErrors(sum), threshold: 1, description: `Invocations of the ${fn.node.id} function failed.` });
      const bursty = fn === functions.scheduleTarget;
      this.addAlarm(`${fn.node.id}Throttles`, {
        metric: fn.function.metricThrottles(sum),
        threshold: 1,
        // The schedule target's reserved concurrency throttles the surplus of a burst of ticks by design.
        evaluationPeriods: bursty ? SUSTAINED_PERIODS : 1,
        description: bursty
          ? `Lambda has throttled the ${fn.node.id} function for ${SUSTAINED_PERIODS * 5} minutes: cron ticks and long delays are late.`
          : `Lambda throttled the ${fn.node.id} function (account or function concurrency exhausted).`,
      });
    }
    for (const [name, metric] of Object.entries(conflicts)) {
      this.addAlarm(`${capitalized(name)}TableTransactionConflicts`, {
        metric,
        threshold: TRANSACTION_CONFLICT_THRESHOLD,
        evaluationPeriods: SUSTAINED_PERIODS,
        description: `The ${name} table refused at least ${TRANSACTION_CONFLICT_THRESHOLD} transactional writes per 5 minutes for ${SUSTAINED_PERIODS * 5} minutes because of conflicts: writers contend for the same partitions, and publishes start to answer 503.`,
      });
    }
    for (const [name, metric] of Object.entries(throttleEvents)) {
      this.addAlarm(`${capitalized(name)}TableThrottles`, {
        metric,
        threshold: 1,
        evaluationPeriods: SUSTAINED_PERIODS,
        description: `DynamoDB throttled requests to the ${name} table for ${SUSTAINED_PERIODS * 5} minutes in a row (a hot partition, or traffic past twice its previous peak).`,
      });
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.resourcePrefix}-dashboard`,
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
        [
          graph('API requests', [api.httpApi.metricCount(sum), api.httpApi.metricClientError(sum), apiServerErrors]),
          graph('API latency p99 (ms)', [api.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }), api.httpApi.metricIntegrationLatency({ period: FIVE_MINUTES, statistic: 'p99' })]),
          graph('Throttles', fns.map((fn) => fn.function.metricThrottles({ ...sum, label: fn.node.id }))),
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
          graph('Set aside', [delayDeadLetters.with({ label: 'delay dead letters' }), packDeadLetters.with({ label: 'pack dead letters' }), relayFailures.with({ label: 'relay failures' }), deliveryFailures.with({ label: 'delivery failures' })]),
        ],
        [
          graph('Rule targets', [ruleFailures, ruleDeadLetterFailures]),
          graph('Scheduler', [scheduleDropped.with({ label: 'invocations dropped' }), scheduleFailures, scheduleDeadLetterFailures.with({ label: 'failed to dead-letter' })]),
          graph('DynamoDB transaction conflicts', [conflicts.log.with({ label: 'log' }), conflicts.meta.with({ label: 'meta' })]),
          graph('DynamoDB throttle events', [throttleEvents.log.with({ label: 'log' }), throttleEvents.meta.with({ label: 'meta' })]),
        ],
      ],
    });
    // The stack's tags reach the dashboard too: CloudFormation takes Tags on AWS::CloudWatch::Dashboard (aws-cdk-lib's
    // generated CfnDashboard has them), but cfn-lint's schema does not know them yet (E3002).
    (this.dashboard.node.defaultChild as CfnDashboard).addMetadata('cfn-lint', { config: { ignore_checks: ['E3002'] } });
  }

  private addAlarm(id: string, spec: AlarmSpec): void {
    const alarm = new Alarm(this, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      comparisonOperator: spec.above === true ? ComparisonOperator.GREATER_THAN_THRESHOLD : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: spec.description,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.alarmTopic !== undefined) alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}

const capitalized = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: 6, height: 6 });
}
