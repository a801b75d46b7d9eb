import { Match } from 'aws-cdk-lib/assertions';
import { logicalIdOf, synthesizeStack } from './fixtures.js';

const { template, stack } = synthesizeStack();

const alarmOn = (metricName: string, dimensions: Record<string, unknown>, threshold: number): Record<string, unknown> => ({
  MetricName: metricName,
  Dimensions: [Match.objectLike(dimensions)],
  Threshold: threshold,
  TreatMissingData: 'notBreaching',
});

describe('Construct: Monitoring', () => {
  it('alarms as soon as a delayed message is dead-lettered or the relay gives up on records', () => {
    for (const queue of [stack.messaging.delayDeadLetterQueue, stack.messaging.relayFailureQueue]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...alarmOn('ApproximateNumberOfMessagesVisible', { Value: { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] } }, 1),
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
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

  it('alarms on errors of each function', () => {
    for (const fn of [stack.functions.api, stack.functions.relay, stack.functions.delayConsumer, stack.functions.scheduleTarget]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', alarmOn('Errors', { Value: { Ref: logicalIdOf(fn.function) } }, 1));
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
  });

  it('draws a dashboard and creates no alarm topic without an email address', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'conveyor-dashboard' });
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
    expect(Object.keys(withEmail.template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmActions: [{ Ref: topic }] } }))).toHaveLength(8);
  });
});
