import { Duration } from 'aws-cdk-lib';
import { MathExpression, type Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';

/** The period of every alarm and graph unless one says otherwise. */
export const FIVE_MINUTES = Duration.minutes(5);

/**
 * A metric of every rule on the bus, summed. EventBridge publishes rule-target
 * metrics (`FailedInvocations`, `InvocationsFailedToBeSentToDlq`…) per rule only
 * (dimensions EventBusName and RuleName on a custom bus), and the rules are
 * created at runtime, one per subscription, so no static metric can name them.
 * A CloudWatch Metrics Insights query sums them over whatever rules exist.
 *
 * @example
 * busRulesMetric('conveyor-bus', 'FailedInvocations'); // SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = 'conveyor-bus'
 */
export function busRulesMetric(busName: string, metricName: string): MathExpression {
  return new MathExpression({
    expression: `SELECT SUM(${metricName}) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = '${busName}'`,
    usingMetrics: {},
    period: FIVE_MINUTES,
    label: `${metricName} (every rule of ${busName})`,
  });
}

/**
 * Scheduler's target errors other than throttling. The schedule target runs with
 * reserved concurrency, so when many cron schedules tick in the same minute,
 * Lambda throttles the surplus invocations by design and Scheduler retries them
 * (they then find nothing left to fire); `TargetErrorThrottledCount` counts
 * those, and they are not a failure.
 */
export function scheduleTargetFailures(group: IScheduleGroup): MathExpression {
  return new MathExpression({
    expression: 'FILL(errors, 0) - FILL(throttled, 0)',
    usingMetrics: {
      errors: group.metricTargetErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      throttled: group.metricTargetThrottled({ period: FIVE_MINUTES, statistic: 'Sum' }),
    },
    period: FIVE_MINUTES,
    label: 'target errors other than throttling',
  });
}

/**
 * Read and write throttle events of a table (on-demand tables throttle too: past
 * twice their previous peak, or on a hot partition). `name` (lowercase) keeps the
 * expression's ids apart from another table's in the same graph.
 */
export function tableThrottleEvents(table: ITable, name: string): MathExpression {
  return new MathExpression({
    expression: `FILL(${name}Reads, 0) + FILL(${name}Writes, 0)`,
    usingMetrics: {
      [`${name}Reads`]: table.metric('ReadThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
      [`${name}Writes`]: table.metric('WriteThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
    },
    period: FIVE_MINUTES,
    label: 'read and write throttle events',
  });
}

/** `TransactionConflict` of a table: transactional writes refused because another request touched the same item. */
export function transactionConflicts(table: ITable): Metric {
  return table.metric('TransactionConflict', { period: FIVE_MINUTES, statistic: 'Sum' });
}
