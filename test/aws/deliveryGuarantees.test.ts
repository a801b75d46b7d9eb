import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { cronScheduleName, subscriptionResourceNames } from '../../src/adapters/aws/names.js';
import { startLocalAwsFixture, subscriptionSettings, type LocalAwsFixture } from './localAwsFixture.js';

const RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 };

/**
 * What the AWS backend creates at runtime, read back from the emulator with
 * ConveyorStack deployed in it: every rule target and schedule names the stack's
 * delivery-failure queue and a retry policy, and every subscription has its
 * dead-letter alarm unless it opted out.
 */
describe('AWS backend: targets and alarms created at runtime', () => {
  let aws: LocalAwsFixture;

  beforeAll(async () => {
    aws = await startLocalAwsFixture();
  });
  afterAll(() => aws.stop());

  const alarmNames = async (): Promise<string[]> =>
    ((await aws.local.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${aws.local.resources.resourcePrefix}-s-` }))).MetricAlarms ?? []).map((alarm) => alarm.AlarmName ?? '');
  const createSubscription = async (topic: string, name: string, overrides: Parameters<typeof subscriptionSettings>[0] = {}) => {
    await aws.broker.topics.create(topic, { partitions: 1, retentionHours: 24, dedupWindowSeconds: 60 });
    const { subscription } = await aws.broker.subscriptions.create(topic, name, subscriptionSettings(overrides));
    return subscriptionResourceNames(aws.local.resources.resourcePrefix, subscription);
  };

  it('deploys the delivery-failure queue with the stack and hands its ARN to the backend', async () => {
    // Act
    const { QueueUrl } = await aws.local.clients.sqs.send(new GetQueueUrlCommand({ QueueName: `${aws.local.resources.resourcePrefix}-delivery-failures` }));
    const { Attributes } = await aws.local.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'FifoQueue'] }));

    // Assess
    expect(Attributes?.['QueueArn']).toBe(aws.local.resources.deliveryFailureQueueArn);
    expect(Attributes?.['FifoQueue']).toBeUndefined(); // Scheduler refuses a FIFO dead-letter queue
  });

  it('gives a subscription rule\u2019s target the retry policy and the delivery-failure queue', async () => {
    // Act
    const names = await createSubscription('ruled', 'billing');

    // Assess
    const { Targets } = await aws.local.clients.events.send(new ListTargetsByRuleCommand({ Rule: names.rule, EventBusName: aws.local.resources.eventBus }));
    expect(Targets).toEqual([expect.objectContaining({ RetryPolicy: RETRY_POLICY, DeadLetterConfig: { Arn: aws.local.resources.deliveryFailureQueueArn } })]);
  });

  it('gives a cron schedule\u2019s Scheduler schedule the retry policy and the delivery-failure queue', async () => {
    // Prepare
    await aws.broker.topics.create('reports', { partitions: 1, retentionHours: 24, dedupWindowSeconds: 60 });

    // Act
    await aws.broker.schedules.put('nightly', { topic: 'reports', cron: '0 2 * * *', timezone: 'UTC', message: { body: 'report' } });

    // Assess
    const schedule = await aws.local.clients.scheduler.send(new GetScheduleCommand({ GroupName: aws.local.resources.scheduleGroup, Name: cronScheduleName(aws.local.resources.resourcePrefix, 'nightly') }));
    expect(schedule.Target).toEqual(expect.objectContaining({ RetryPolicy: RETRY_POLICY, DeadLetterConfig: { Arn: aws.local.resources.deliveryFailureQueueArn } }));
  });

  it('gives a long delay\u2019s one-time schedule the retry policy and the delivery-failure queue', async () => {
    // Prepare
    await aws.broker.topics.create('reminders', { partitions: 1, retentionHours: 24, dedupWindowSeconds: 60 });

    // Act
    await aws.broker.publisher.publish('reminders', [{ id: 'in-an-hour', body: 'later', delaySeconds: 3600 }]);

    // Assess
    const { Schedules } = await aws.local.clients.scheduler.send(new ListSchedulesCommand({ GroupName: aws.local.resources.scheduleGroup, NamePrefix: `${aws.local.resources.resourcePrefix}-d-` }));
    expect(Schedules).toHaveLength(1);
    const schedule = await aws.local.clients.scheduler.send(new GetScheduleCommand({ GroupName: aws.local.resources.scheduleGroup, Name: Schedules?.[0]?.Name }));
    expect(schedule.Target).toEqual(expect.objectContaining({ RetryPolicy: RETRY_POLICY, DeadLetterConfig: { Arn: aws.local.resources.deliveryFailureQueueArn } }));
  });

  it.each([
    { case: 'an unordered subscription', topic: 'alarmed', ordered: false },
    { case: 'an ordered subscription', topic: 'alarmed-ordered', ordered: true },
  ])('creates the dead-letter alarm of $case with it and deletes it with it', async ({ topic, ordered }) => {
    // Prepare
    const names = await createSubscription(topic, 'watched', { ordered });
    expect(await alarmNames()).toContain(names.deadLetterAlarm);

    // Act
    await aws.broker.subscriptions.delete(topic, 'watched');

    // Assess
    expect(await alarmNames()).not.toContain(names.deadLetterAlarm);
  });

  it('creates no alarm for a subscription with deadLetterAlarm false, and deletes it cleanly', async () => {
    // Prepare
    const before = await alarmNames();

    // Act
    const names = await createSubscription('unalarmed', 'quiet', { deadLetterAlarm: false });
    const created = await alarmNames();
    await aws.broker.subscriptions.delete('unalarmed', 'quiet');

    // Assess
    expect(created).toEqual(before);
    expect(created).not.toContain(names.deadLetterAlarm);
    await expect(aws.broker.subscriptions.describe('unalarmed', 'quiet')).rejects.toMatchObject({ code: 'SubscriptionNotFound' });
  });
});
