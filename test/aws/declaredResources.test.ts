import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { pino } from 'pino';
import { cronScheduleName, subscriptionResourceNames } from '../../src/adapters/aws/names.js';
import { DeclaredType } from '../../src/provisioning/declarations.js';
import { DeclaredResourceHandler, type DeclaredProperties } from '../../src/provisioning/DeclaredResourceHandler.js';
import { startLocalAwsFixture, subscriptionSettings, type LocalAwsFixture } from './localAwsFixture.js';

const TOPIC = { partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600 };
const NIGHTLY = { topic: 'orders', cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } };

/** What the Provider framework hands the onEvent handler; the properties as the constructs declare them. */
function eventOf(
  requestType: 'Create' | 'Update' | 'Delete',
  type: DeclaredType,
  properties: { name: string; topic?: string; settings: object },
  physicalId?: string,
): CloudFormationCustomResourceEvent<DeclaredProperties> {
  const ResourceProperties = {
    ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:framework-onEvent',
    Name: properties.name,
    ...(properties.topic === undefined ? {} : { Topic: properties.topic }),
    Settings: JSON.stringify(properties.settings),
  };
  const common = {
    ServiceToken: ResourceProperties.ServiceToken,
    ResponseURL: 'https://cloudformation-custom-resource-response.example.com/',
    StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/Shop/1',
    RequestId: `request-${Math.random()}`,
    LogicalResourceId: 'Declared',
    ResourceType: type,
    ResourceProperties,
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') return { ...common, RequestType: 'Update', PhysicalResourceId: physicalId ?? '', OldResourceProperties: ResourceProperties };
  return { ...common, RequestType: 'Delete', PhysicalResourceId: physicalId ?? '' };
}

/**
 * The custom resource behind declared topics, subscriptions and schedules,
 * driven with the events CloudFormation sends, against the AWS backend on the
 * emulator: it must do what the API's PUT and DELETE do.
 */
describe('Class: DeclaredResourceHandler', () => {
  let aws: LocalAwsFixture;
  let provider: DeclaredResourceHandler;

  beforeAll(async () => {
    aws = await startLocalAwsFixture();
    provider = new DeclaredResourceHandler(aws.broker, pino({ level: 'silent' }));
  });
  afterAll(() => aws.stop());

  /** The queue's ARN and URL and the dead-letter queue's ARN, read from SQS by their names. */
  const realQueues = async (topic: string, name: string) => {
    const subscription = await aws.broker.subscriptions.require(topic, name);
    const names = subscriptionResourceNames(aws.local.resources.resourcePrefix, subscription);
    const arnOf = async (queueName: string): Promise<{ url: string; arn: string }> => {
      const { QueueUrl } = await aws.local.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
      const { Attributes } = await aws.local.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      return { url: QueueUrl ?? '', arn: Attributes?.['QueueArn'] ?? '' };
    };
    const [queue, deadLetterQueue] = await Promise.all([arnOf(names.queue), arnOf(names.deadLetterQueue)]);
    return { QueueArn: queue.arn, QueueUrl: queue.url, DeadLetterQueueArn: deadLetterQueue.arn };
  };

  const createTopic = (name: string) => aws.broker.topics.create(name, TOPIC);
  const subscriptionEvent = (requestType: 'Create' | 'Update' | 'Delete', topic: string, name: string, settings: object, physicalId?: string) =>
    eventOf(requestType, DeclaredType.Subscription, { name, topic, settings }, physicalId);

  describe('topics', () => {
    it('creates the topic as PUT /v1/topics/{topic} does, named by its path', async () => {
      // Act
      const response = await provider.handle(eventOf('Create', DeclaredType.Topic, { name: 'created', settings: TOPIC }));

      // Assess
      expect(response).toEqual({ PhysicalResourceId: 'topics/created' });
      expect(await aws.broker.topics.require('created')).toMatchObject(TOPIC);
    });

    it('succeeds on an update with the same settings, and changes nothing', async () => {
      // Prepare
      const { topic: before } = await createTopic('unchanged');

      // Act
      const response = await provider.handle(eventOf('Update', DeclaredType.Topic, { name: 'unchanged', settings: TOPIC }, 'topics/unchanged'));

      // Assess
      expect(response).toEqual({ PhysicalResourceId: 'topics/unchanged' });
      expect(await aws.broker.topics.require('unchanged')).toEqual(before);
    });

    it('fails an update the API refuses with the API answer: 409 Conflict for another partition count', async () => {
      // Prepare
      await createTopic('repartitioned');

      // Act
      const update = provider.handle(eventOf('Update', DeclaredType.Topic, { name: 'repartitioned', settings: { ...TOPIC, partitions: 8 } }, 'topics/repartitioned'));

      // Assess
      await expect(update).rejects.toThrow('PUT /v1/topics/repartitioned answered 409 Conflict: topic "repartitioned" exists with other settings (partitions 4, retentionHours 168, dedupWindowSeconds 3600)');
      expect((await aws.broker.topics.require('repartitioned')).partitions).toBe(4);
    });

    it('fails settings the API refuses with its 400 message, and creates nothing', async () => {
      // Act
      const create = provider.handle(eventOf('Create', DeclaredType.Topic, { name: 'too-wide', settings: { partitions: 65 } }));

      // Assess
      await expect(create).rejects.toThrow('PUT /v1/topics/too-wide answered 400 InvalidRequest: props.partitions must be between 1 and 64, but 65 was provided');
      await expect(aws.broker.topics.require('too-wide')).rejects.toThrow('topic "too-wide" does not exist');
    });

    it('deletes a topic whose removal policy destroys it, with its subscriptions', async () => {
      // Prepare
      await createTopic('doomed');
      await aws.broker.subscriptions.create('doomed', 'worker', subscriptionSettings());

      // Act
      await provider.handle(eventOf('Delete', DeclaredType.Topic, { name: 'doomed', settings: TOPIC }, 'topics/doomed'));

      // Assess
      await expect(aws.broker.topics.require('doomed')).rejects.toThrow('topic "doomed" does not exist');
      await expect(aws.broker.subscriptions.require('doomed', 'worker')).rejects.toThrow('does not exist');
    });

    it("does nothing on a delete of an id it never answered, such as the framework's marker of a failed create", async () => {
      // Prepare
      await createTopic('kept');

      // Act
      const response = await provider.handle(eventOf('Delete', DeclaredType.Topic, { name: 'kept', settings: TOPIC }, 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'));

      // Assess
      expect(response).toEqual({ PhysicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' });
      expect(await aws.broker.topics.require('kept')).toMatchObject(TOPIC);
    });
  });

  describe('subscriptions', () => {
    it('creates the subscription and returns the attributes of its real queues', async () => {
      // Prepare
      await createTopic('orders');

      // Act
      const response = await provider.handle(subscriptionEvent('Create', 'orders', 'billing', { maxDeliveries: 5 }));

      // Assess
      expect(response).toEqual({ PhysicalResourceId: 'topics/orders/subscriptions/billing', Data: await realQueues('orders', 'billing') });
      expect(response.Data?.['QueueArn']).toMatch(/^arn:aws:sqs:.+:conveyor-s-[0-9a-f]{20}$/);
      expect(response.Data?.['DeadLetterQueueArn']).toMatch(/^arn:aws:sqs:.+:conveyor-s-[0-9a-f]{20}-dlq$/);
    });

    it('adopts a subscription the API created with the same settings: same incarnation, same queues', async () => {
      // Prepare
      await createTopic('adopted');
      const { subscription } = await aws.broker.subscriptions.create('adopted', 'shipping-eu', subscriptionSettings({ filter: { attributes: { region: ['eu'] } }, ordered: true }));

      // Act
      const response = await provider.handle(subscriptionEvent('Create', 'adopted', 'shipping-eu', { filter: { attributes: { region: ['eu'] } }, ordered: true }));

      // Assess
      expect((await aws.broker.subscriptions.require('adopted', 'shipping-eu')).createdAt).toBe(subscription.createdAt);
      expect(response.Data).toEqual(await realQueues('adopted', 'shipping-eu'));
      expect(response.Data?.['QueueArn']).toMatch(/\.fifo$/);
    });

    it('changes the settings that can change on an update, as PATCH does: same incarnation, same queues, their lease and redrive count changed', async () => {
      // Prepare
      await createTopic('changing');
      const { subscription } = await aws.broker.subscriptions.create('changing', 'billing', subscriptionSettings({ maxDeliveries: 5 }));
      const queues = await realQueues('changing', 'billing');

      // Act
      const response = await provider.handle(
        subscriptionEvent('Update', 'changing', 'billing', { maxDeliveries: 3, ackDeadlineSeconds: 90, deadLetterAlarm: false }, 'topics/changing/subscriptions/billing'),
      );

      // Assess
      const changed = await aws.broker.subscriptions.require('changing', 'billing');
      expect(changed).toMatchObject({ createdAt: subscription.createdAt, maxDeliveries: 3, ackDeadlineSeconds: 90, deadLetterAlarm: false });
      expect(response).toEqual({ PhysicalResourceId: 'topics/changing/subscriptions/billing', Data: queues });
      const { Attributes } = await aws.local.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queues.QueueUrl, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }));
      expect(Attributes?.['VisibilityTimeout']).toBe('90');
      expect(JSON.parse(Attributes?.['RedrivePolicy'] ?? '{}')).toMatchObject({ maxReceiveCount: 4 });
    });

    it('fails an update of a fixed setting with the API PATCH 409 naming it, and keeps the subscription as it was', async () => {
      // Prepare
      await createTopic('strict');
      await aws.broker.subscriptions.create('strict', 'billing', subscriptionSettings({ maxDeliveries: 5 }));

      // Act
      const update = provider.handle(subscriptionEvent('Update', 'strict', 'billing', { maxDeliveries: 3, ordered: true }, 'topics/strict/subscriptions/billing'));

      // Assess
      await expect(update).rejects.toThrow('PATCH /v1/topics/strict/subscriptions/billing answered 409 Conflict: ordered cannot change');
      expect(await aws.broker.subscriptions.require('strict', 'billing')).toMatchObject({ maxDeliveries: 5, ordered: false });
    });

    it('answers a new physical id for a new name, leaving the old subscription for the delete CloudFormation sends next', async () => {
      // Prepare
      await createTopic('renamed');
      await aws.broker.subscriptions.create('renamed', 'billing', subscriptionSettings());

      // Act
      const response = await provider.handle(subscriptionEvent('Update', 'renamed', 'invoicing', {}, 'topics/renamed/subscriptions/billing'));

      // Assess
      expect(response.PhysicalResourceId).toBe('topics/renamed/subscriptions/invoicing');
      expect((await aws.broker.subscriptions.list('renamed')).map((subscription) => subscription.name).sort()).toEqual(['billing', 'invoicing']);
    });

    it('deletes the subscription and its queues, and succeeds again when it is gone already', async () => {
      // Prepare
      await createTopic('cleanup');
      await aws.broker.subscriptions.create('cleanup', 'billing', subscriptionSettings());
      const { QueueUrl } = await realQueues('cleanup', 'billing');
      const remove = () => provider.handle(subscriptionEvent('Delete', 'cleanup', 'billing', {}, 'topics/cleanup/subscriptions/billing'));

      // Act
      const first = await remove();
      const second = await remove();

      // Assess
      expect([first, second]).toEqual([{ PhysicalResourceId: 'topics/cleanup/subscriptions/billing' }, { PhysicalResourceId: 'topics/cleanup/subscriptions/billing' }]);
      await expect(aws.broker.subscriptions.require('cleanup', 'billing')).rejects.toThrow('subscription "billing" does not exist on topic "cleanup"');
      await expect(aws.local.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).rejects.toThrow();
    });
  });

  describe('schedules', () => {
    const scheduleExpression = async (name: string): Promise<string | undefined> =>
      (await aws.local.clients.scheduler.send(new GetScheduleCommand({ Name: cronScheduleName(aws.local.resources.resourcePrefix, name), GroupName: aws.local.resources.scheduleGroup }))).ScheduleExpression;
    const scheduleEvent = (requestType: 'Create' | 'Update' | 'Delete', name: string, settings: object) => eventOf(requestType, DeclaredType.Schedule, { name, settings }, `schedules/${name}`);

    it('puts the schedule and its EventBridge Scheduler schedule', async () => {
      // Prepare
      await createTopic('reports');

      // Act
      const response = await provider.handle(scheduleEvent('Create', 'nightly', { ...NIGHTLY, topic: 'reports' }));

      // Assess
      expect(response).toEqual({ PhysicalResourceId: 'schedules/nightly' });
      expect(await aws.broker.schedules.get('nightly')).toMatchObject({ ...NIGHTLY, topic: 'reports' });
      expect(await scheduleExpression('nightly')).toBe('cron(0 2 * * ? *)');
    });

    it('replaces the settings on an update, as the API PUT does', async () => {
      // Prepare
      await createTopic('digests');
      await aws.broker.schedules.put('weekly', { ...NIGHTLY, topic: 'digests' });

      // Act
      await provider.handle(scheduleEvent('Update', 'weekly', { ...NIGHTLY, topic: 'digests', cron: '30 3 * * 1' }));

      // Assess
      expect((await aws.broker.schedules.get('weekly')).cron).toBe('30 3 * * 1');
      expect(await scheduleExpression('weekly')).toBe('cron(30 3 ? * MON *)');
    });

    it('fails a cron expression the broker cannot read, with its message', async () => {
      // Act
      const create = provider.handle(scheduleEvent('Create', 'wordy', { ...NIGHTLY, cron: 'every night' }));

      // Assess
      await expect(create).rejects.toThrow('PUT /v1/schedules/wordy answered 400 InvalidRequest: cron must be a 5- or 6-field cron expression, but "every night" was provided');
    });

    it('deletes the schedule', async () => {
      // Prepare
      await createTopic('ticks');
      await aws.broker.schedules.put('hourly', { ...NIGHTLY, topic: 'ticks', cron: '0 * * * *' });

      // Act
      await provider.handle(scheduleEvent('Delete', 'hourly', {}));

      // Assess
      await expect(aws.broker.schedules.get('hourly')).rejects.toThrow('does not exist');
    });
  });
});
