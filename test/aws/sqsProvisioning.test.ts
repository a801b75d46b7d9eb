import { DescribeAlarmsCommand, ListTagsForResourceCommand as ListAlarmTagsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeRuleCommand, ListRulesCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { subscriptionResourceNames } from '../../src/adapters/aws/names.js';
import { QueueDirectory } from '../../src/adapters/aws/sqs/QueueDirectory.js';
import { SubscriptionResources } from '../../src/adapters/aws/SubscriptionResources.js';
import { ErrorCode } from '../../src/domain/errors.js';
import { startEmulator, type Emulator } from '../helpers/emulator.js';
import { FaultInjector } from '../helpers/FaultInjector.js';
import {
  buildAdapters,
  createFanOut,
  EmulatorClock,
  InMemoryCatalog,
  InMemoryLog,
  RESOURCES,
  subscriptionOf,
  topicNamed,
  type SqsAdapters,
} from './sqsFixtures.js';

const orders = topicNamed('orders');

describe('Class: SubscriptionResources', () => {
  let emulator: Emulator;
  let adapters: SqsAdapters;

  beforeAll(async () => {
    emulator = await startEmulator();
    adapters = buildAdapters(emulator, { catalog: new InMemoryCatalog(), log: new InMemoryLog(), clock: new EmulatorClock(emulator) });
  });
  beforeEach(async () => {
    await emulator.reset();
    await createFanOut(adapters.clients);
  });
  afterAll(async () => {
    adapters.clients.destroy();
    await emulator.stop();
  });

  const queueAttributes = async (name: string): Promise<Record<string, string>> => {
    const { QueueUrl } = await adapters.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    const { Attributes } = await adapters.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    return Attributes ?? {};
  };
  const queueNames = async (): Promise<string[]> => {
    const { QueueUrls } = await adapters.clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${RESOURCES.resourcePrefix}-s-` }));
    return (QueueUrls ?? []).map((url) => url.split('/').pop() ?? '').sort();
  };
  const ruleNames = async (): Promise<string[]> => {
    const { Rules } = await adapters.clients.events.send(new ListRulesCommand({ EventBusName: RESOURCES.eventBus }));
    return (Rules ?? []).map((rule) => rule.Name ?? '');
  };
  const alarms = async (): Promise<MetricAlarm[]> => (await adapters.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: RESOURCES.resourcePrefix }))).MetricAlarms ?? [];
  const policyOf = async (name: string): Promise<Array<Record<string, unknown>>> => JSON.parse((await queueAttributes(name))['Policy'] ?? '{}').Statement ?? [];
  const TLS_ONLY = { Effect: 'Deny', Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
  const DEPLOYMENT_TAGS = { app: 'conveyor', 'conveyor:prefix': 'cvtest' };

  describe('Method: provision', () => {
    it('creates the dead-letter queue, the queue with its redrive policy and lease, and a rule that delivers the packs naming it to the pack inbox, with a retry policy and the delivery-failure queue', async () => {
      // Prepare
      const subscription = subscriptionOf(orders, 'billing', { ackDeadlineSeconds: 45, maxDeliveries: 3, filter: { attributes: { region: ['eu'] } } });
      const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);

      // Act
      await adapters.resources.provision(subscription);

      // Assess
      const deadLetterQueue = await queueAttributes(names.deadLetterQueue);
      const queue = await queueAttributes(names.queue);
      expect(queue).toMatchObject({ VisibilityTimeout: '45', MessageRetentionPeriod: '1209600', SqsManagedSseEnabled: 'true' });
      expect(JSON.parse(queue['RedrivePolicy'] ?? '{}')).toEqual({ deadLetterTargetArn: deadLetterQueue['QueueArn'], maxReceiveCount: 4 });
      expect(deadLetterQueue).toMatchObject({ MessageRetentionPeriod: '1209600', SqsManagedSseEnabled: 'true' });
      const rule = await adapters.clients.events.send(new DescribeRuleCommand({ Name: names.rule, EventBusName: RESOURCES.eventBus }));
      expect(JSON.parse(rule.EventPattern ?? '{}')).toEqual({ source: ['conveyor.pack'], 'detail-type': ['orders'], detail: { to: [names.rule] } });
      const { Targets } = await adapters.clients.events.send(new ListTargetsByRuleCommand({ Rule: names.rule, EventBusName: RESOURCES.eventBus }));
      expect(Targets).toEqual([
        {
          Id: 'queue',
          Arn: RESOURCES.packInboxArn,
          InputTransformer: { InputPathsMap: { pack: '$.detail' }, InputTemplate: `{"queue":"${names.queue}","pack":<pack>}` },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: RESOURCES.deliveryFailureQueueArn },
        },
      ]);
      // The rule delivers to the inbox, not the queue: only the unpacker and the relay send to it, with their IAM grants.
      expect(await policyOf(names.queue)).toEqual([expect.objectContaining({ ...TLS_ONLY, Resource: queue['QueueArn'] })]);
    });

    it('with fanOut event (the deploy that upgrades from a version without packs), makes the rule of one event per message: the filter as its pattern, the queue its target, allowed by the queue’s policy', async () => {
      // Prepare
      const perMessage = new SubscriptionResources(adapters.clients, RESOURCES, adapters.directory, 'event');
      const subscription = subscriptionOf(orders, 'billing', { filter: { attributes: { region: ['eu'] } } });
      const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);

      // Act
      await perMessage.provision(subscription);

      // Assess
      const queue = await queueAttributes(names.queue);
      const rule = await adapters.clients.events.send(new DescribeRuleCommand({ Name: names.rule, EventBusName: RESOURCES.eventBus }));
      expect(JSON.parse(rule.EventPattern ?? '{}')).toEqual({ source: ['conveyor'], 'detail-type': ['orders'], detail: { filterable: { attributes: { region: ['eu'] } } } });
      const { Targets } = await adapters.clients.events.send(new ListTargetsByRuleCommand({ Rule: names.rule, EventBusName: RESOURCES.eventBus }));
      expect(Targets).toEqual([{ Id: 'queue', Arn: queue['QueueArn'], RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 }, DeadLetterConfig: { Arn: RESOURCES.deliveryFailureQueueArn } }]);
      expect(await policyOf(names.queue)).toEqual([
        expect.objectContaining({ ...TLS_ONLY, Resource: queue['QueueArn'] }),
        expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': rule.Arn } } }),
      ]);
    });

    it('with fanOut event, refuses a filter EventBridge refuses as InvalidFilter, and leaves no queue behind', async () => {
      // Prepare: an empty match list is no valid EventBridge pattern
      const perMessage = new SubscriptionResources(adapters.clients, RESOURCES, adapters.directory, 'event');

      // Act
      const attempt = perMessage.provision(subscriptionOf(orders, 'picky', { filter: { key: [] } }));

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: ErrorCode.InvalidFilter });
      expect(await queueNames()).toEqual([]);
    });

    it.each([
      { case: 'an unordered subscription', ordered: false },
      { case: 'an ordered subscription (FIFO queues)', ordered: true },
    ])('makes both queues of $case refuse requests without TLS', async ({ ordered }) => {
      // Prepare
      const subscription = subscriptionOf(orders, 'tls', { ordered });
      const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);

      // Act
      await adapters.resources.provision(subscription);

      // Assess
      for (const name of [names.queue, names.deadLetterQueue]) {
        const arn = (await queueAttributes(name))['QueueArn'];
        expect(await policyOf(name)).toContainEqual(expect.objectContaining({ ...TLS_ONLY, Resource: arn }));
      }
      expect(await policyOf(names.deadLetterQueue)).toHaveLength(1); // nothing may send to a dead-letter queue but SQS's redrive
    });

    it('tags both queues and the rule with the deployment, the topic and the subscription', async () => {
      // Prepare
      const subscription = subscriptionOf(orders, 'billing');
      const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);

      // Act
      await adapters.resources.provision(subscription);

      // Assess
      for (const name of [names.queue, names.deadLetterQueue]) {
        const { QueueUrl } = await adapters.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
        const { Tags } = await adapters.clients.sqs.send(new ListQueueTagsCommand({ QueueUrl }));
        expect(Tags).toEqual({ ...DEPLOYMENT_TAGS, 'conveyor:topic': 'orders', 'conveyor:subscription': 'billing' });
      }
      const rule = await adapters.clients.events.send(new DescribeRuleCommand({ Name: names.rule, EventBusName: RESOURCES.eventBus }));
      const { Tags } = await adapters.clients.events.send(new ListTagsForResourceCommand({ ResourceARN: rule.Arn }));
      expect(Object.fromEntries((Tags ?? []).map((tag) => [tag.Key, tag.Value]))).toEqual({ ...DEPLOYMENT_TAGS, 'conveyor:topic': 'orders', 'conveyor:subscription': 'billing' });
    });

    it.each([
      { case: 'an unordered subscription', ordered: false },
      { case: 'an ordered subscription', ordered: true },
    ])('puts an alarm on the dead-letter queue of $case that notifies the alarm topic from the first dead letter', async ({ ordered }) => {
      // Prepare
      const subscription = subscriptionOf(orders, 'watched', { ordered });
      const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);

      // Act
      await adapters.resources.provision(subscription);

      // Assess
      expect(await alarms()).toEqual([
        expect.objectContaining({
          AlarmName: `${names.rule}-dead-letters`,
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: names.deadLetterQueue }],
          Statistic: 'Maximum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [RESOURCES.alarmTopicArn],
          AlarmDescription: expect.stringContaining('subscription watched of topic orders'),
        }),
      ]);
      const [alarm] = await alarms();
      const { Tags } = await adapters.clients.cloudwatch.send(new ListAlarmTagsCommand({ ResourceARN: alarm?.AlarmArn }));
      expect(Object.fromEntries((Tags ?? []).map((tag) => [tag.Key, tag.Value]))).toEqual({ ...DEPLOYMENT_TAGS, 'conveyor:topic': 'orders', 'conveyor:subscription': 'watched' });
    });

    it('puts the alarm without an action when the stack has no alarm topic', async () => {
      // Prepare
      const { alarmTopicArn: _none, ...withoutTopic } = RESOURCES;
      const resources = new SubscriptionResources(adapters.clients, withoutTopic, new QueueDirectory(adapters.clients.sqs, RESOURCES.resourcePrefix));

      // Act
      await resources.provision(subscriptionOf(orders, 'quiet'));

      // Assess
      expect((await alarms()).map((alarm) => alarm.AlarmActions)).toEqual([[]]);
    });

    it('puts no alarm on a subscription created with deadLetterAlarm false', async () => {
      // Act
      await adapters.resources.provision(subscriptionOf(orders, 'unwatched', { deadLetterAlarm: false }));

      // Assess
      expect(await alarms()).toEqual([]);
      expect(await queueNames()).toHaveLength(2);
    });

    it('gives an ordered subscription FIFO queues and no rule', async () => {
      // Prepare
      const subscription = subscriptionOf(orders, 'ledger', { ordered: true });
      const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);

      // Act
      await adapters.resources.provision(subscription);

      // Assess
      expect(await queueNames()).toEqual([names.deadLetterQueue, names.queue].sort());
      expect(names.queue.endsWith('.fifo')).toBe(true);
      expect(await queueAttributes(names.queue)).toMatchObject({ FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
      expect(await queueAttributes(names.deadLetterQueue)).toMatchObject({ FifoQueue: 'true' });
      expect(await ruleNames()).toEqual([]);
    });

    it('converges when run again: the same queues and rule, nothing doubled', async () => {
      // Prepare
      const subscription = subscriptionOf(orders, 'billing');
      await adapters.resources.provision(subscription);

      // Act
      await adapters.resources.provision(subscription);

      // Assess
      const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);
      expect(await queueNames()).toEqual([names.deadLetterQueue, names.queue].sort());
      expect(await ruleNames()).toEqual([names.rule]);
    });

    it('reports a rule EventBridge will not create (its quota), and leaves no queue behind', async () => {
      // Prepare
      const quotaReached = buildAdapters(emulator, { catalog: new InMemoryCatalog(), log: new InMemoryLog(), clock: new EmulatorClock(emulator) }, [
        new FaultInjector([{ target: 'EventBridge.PutRule', kind: 'error', error: { name: 'LimitExceededException', status: 400 } }]),
      ]);

      // Act
      const attempt = quotaReached.resources.provision(subscriptionOf(orders, 'one-too-many'));

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded });
      expect(await queueNames()).toEqual([]);
      quotaReached.clients.destroy();
    });
  });

  describe('Method: update', () => {
    it('sets the queue lease and redrive count from the changed settings and keeps the queues, rule and dead-letter queue', async () => {
      // Prepare
      const subscription = subscriptionOf(orders, 'changed', { ackDeadlineSeconds: 30, maxDeliveries: 5 });
      await adapters.resources.provision(subscription);
      const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);
      const deadLetterArn = (await queueAttributes(names.deadLetterQueue))['QueueArn'];

      // Act
      await adapters.resources.update({ ...subscription, ackDeadlineSeconds: 120, maxDeliveries: 2 });

      // Assess
      const attributes = await queueAttributes(names.queue);
      expect(attributes['VisibilityTimeout']).toBe('120');
      expect(JSON.parse(attributes['RedrivePolicy'] ?? '{}')).toEqual({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: 3 });
      expect(await queueNames()).toEqual([names.queue, names.deadLetterQueue].sort());
      expect(await ruleNames()).toEqual([names.rule]);
    });

    it('deletes the dead-letter alarm when it is turned off, and puts it back when turned on', async () => {
      // Prepare
      const subscription = subscriptionOf(orders, 'alarmed', { deadLetterAlarm: true });
      await adapters.resources.provision(subscription);

      // Act
      await adapters.resources.update({ ...subscription, deadLetterAlarm: false });
      const off = await alarms();
      await adapters.resources.update({ ...subscription, deadLetterAlarm: true });
      const on = await alarms();

      // Assess
      expect(off).toEqual([]);
      expect(on.map((alarm) => alarm.AlarmName)).toEqual([subscriptionResourceNames(RESOURCES.resourcePrefix, subscription).deadLetterAlarm]);
    });

    it('refuses a subscription whose queues are gone as SubscriptionNotFound', async () => {
      // Prepare
      const subscription = subscriptionOf(orders, 'vanished');
      await adapters.resources.provision(subscription);
      await adapters.resources.destroy(subscription);

      // Act
      const update = adapters.resources.update({ ...subscription, maxDeliveries: 2 });

      // Assess
      await expect(update).rejects.toMatchObject({ code: 'SubscriptionNotFound' });
    });
  });

  describe('Method: destroy', () => {
    it.each([
      { case: 'an unordered subscription: rule, target and queues', ordered: false },
      { case: 'an ordered subscription: its FIFO queues', ordered: true },
    ])('removes $case', async ({ ordered }) => {
      // Prepare
      const subscription = subscriptionOf(orders, 'gone', { ordered });
      await adapters.resources.provision(subscription);

      // Act
      await adapters.resources.destroy(subscription);

      // Assess
      expect(await queueNames()).toEqual([]);
      expect(await ruleNames()).toEqual([]);
      expect(await alarms()).toEqual([]);
    });

    it('ignores what is gone already', async () => {
      // Prepare
      const subscription = subscriptionOf(orders, 'twice');
      await adapters.resources.provision(subscription);
      await adapters.resources.destroy(subscription);

      // Act
      const again = adapters.resources.destroy(subscription);

      // Assess
      await expect(again).resolves.toBeUndefined();
    });
  });
});
