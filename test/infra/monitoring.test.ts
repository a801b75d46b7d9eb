import { Match } from 'aws-cdk-lib/assertions';
import { logicalIdOf, synthesizeStack } from './fixtures.js';

const { template, stack } = synthesizeStack();

const alarmOn = (metricName: string, dimensions: Record<string, unknown>, threshold: number): Record<string, unknown> => ({
  MetricName: metricName,
  Dimensions: [Match.objectLike(dimensions)],
  Threshold: threshold,
  TreatMissingData: 'notBreaching',
});

/** An alarm on a metric math expression or a Metrics Insights query that contains `text`. */
const alarmOnExpression = (text: string, threshold: number, evaluationPeriods = 1): Record<string, unknown> => ({
  Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp(text.replace(/[()]/g, '\\$&')), ReturnData: true })]),
  Threshold: threshold,
  EvaluationPeriods: evaluationPeriods,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'notBreaching',
});

/** An alarm whose math expression uses `metricName` of `namespace`. */
const alarmUsing = (namespace: string, metricName: string, dimensions: Record<string, unknown>): Record<string, unknown> => ({
  Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: { Namespace: namespace, MetricName: metricName, Dimensions: [dimensions] } }) })]),
});

const functions = [stack.functions.api, stack.functions.relay, stack.functions.unpacker, stack.functions.delayConsumer, stack.functions.scheduleTarget];
const scheduleGroup = { Name: 'ScheduleGroup', Value: 'conveyor' };

describe('Construct: Monitoring', () => {
  it('alarms as soon as a delayed message is dead-lettered, the relay gives up on records, or a rule target or schedule dead-letters', () => {
    for (const queue of [stack.messaging.delayDeadLetterQueue, stack.messaging.relayFailureQueue, stack.messaging.deliveryFailureQueue]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...alarmOn('ApproximateNumberOfMessagesVisible', { Value: { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] } }, 1),
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it.each([
    { case: 'FailedInvocations (events a target never got)', metric: 'FailedInvocations' },
    { case: 'InvocationsFailedToBeSentToDlq (events not even dead-lettered)', metric: 'InvocationsFailedToBeSentToDlq' },
  ])('alarms on $case of every rule on the bus, summed by a Metrics Insights query', ({ metric }) => {
    template.hasResourceProperties(
      'AWS::CloudWatch::Alarm',
      alarmOnExpression(`SELECT SUM(${metric}) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = 'conveyor-bus'`, 1),
    );
  });

  it('alarms on dropped invocations and on failed dead-lettering of the schedule group', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Scheduler', ...alarmOn('InvocationDroppedCount', scheduleGroup, 1), Statistic: 'Sum' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Scheduler', ...alarmOn('InvocationsFailedToBeSentToDeadLetterCount', scheduleGroup, 1), Statistic: 'Sum' });
  });

  it('alarms on target errors of the schedule group other than throttling, which the reserved concurrency causes by design', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...alarmOnExpression('FILL(errors, 0) - FILL(throttled, 0)', 1),
      ...alarmUsing('AWS/Scheduler', 'TargetErrorCount', scheduleGroup),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', alarmUsing('AWS/Scheduler', 'TargetErrorThrottledCount', scheduleGroup));
  });

  it('alarms on every 5xx answer of the HTTP API, which the functions\u2019 Errors never count', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      ...alarmOn('5xx', { Name: 'ApiId', Value: { Ref: logicalIdOf(stack.api.httpApi) } }, 1),
      Statistic: 'Sum',
    });
  });

  it('alarms on throttles of each function; of the schedule target only when they last 15 minutes', () => {
    for (const fn of functions) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...alarmOn('Throttles', { Value: { Ref: logicalIdOf(fn.function) } }, 1),
        EvaluationPeriods: fn === stack.functions.scheduleTarget ? 3 : 1,
      });
    }
  });

  it.each([
    { case: 'log', table: stack.tables.logTable },
    { case: 'meta', table: stack.tables.metaTable },
  ])('alarms on sustained transaction conflicts and throttle events of the $case table', ({ table }) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/DynamoDB',
      ...alarmOn('TransactionConflict', { Name: 'TableName', Value: { Ref: logicalIdOf(table) } }, 100),
      Statistic: 'Sum',
      EvaluationPeriods: 3,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...alarmOnExpression('Reads, 0) + FILL(', 1, 3),
      ...alarmUsing('AWS/DynamoDB', 'WriteThrottleEvents', { Name: 'TableName', Value: { Ref: logicalIdOf(table) } }),
    });
  });

  it('alarms when fan-out lags the log by more than a minute for five minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...alarmOn('IteratorAge', { Value: { Ref: logicalIdOf(stack.functions.relay.function) } }, 60_000),
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 5,
    });
  });

  it('alarms when a delayed message has waited longer than the longest SQS delay allows', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...alarmOn('ApproximateAgeOfOldestMessage', { Value: { 'Fn::GetAtt': [logicalIdOf(stack.messaging.delayQueue), 'QueueName'] } }, 1200),
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms on errors of each function, 27 alarms in all', () => {
    for (const fn of functions) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', alarmOn('Errors', { Value: { Ref: logicalIdOf(fn.function) } }, 1));
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 27);
    expect(stack.monitoring.alarms).toHaveLength(27);
  });

  it('draws a dashboard of the same metrics and creates no alarm topic without an email address', () => {
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard', { Properties: { DashboardName: 'conveyor-dashboard' } }));
    const body = JSON.stringify(dashboard);

    expect(dashboard).toHaveLength(1);
    for (const metric of ['FailedInvocations', 'InvocationsFailedToBeSentToDlq', 'InvocationDroppedCount', 'TargetErrorCount', '5xx', 'Throttles', 'TransactionConflict', 'WriteThrottleEvents']) {
      expect(body).toContain(metric);
    }
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('notifies an email address through a KMS-encrypted, TLS-only topic that CloudWatch may use', () => {
    const withEmail = synthesizeStack({ alarmEmail: 'ops@example.com' });
    const alarmTopic = withEmail.stack.monitoring.alarmTopic;
    if (alarmTopic === undefined) throw new Error('expected an alarm topic with alarmEmail set');
    const topic = logicalIdOf(alarmTopic);

    withEmail.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topic } });
    withEmail.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    withEmail.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    expect(Object.keys(withEmail.template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmActions: [{ Ref: topic }] } }))).toHaveLength(27);
  });
});
