import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Conveyor } from '../../infra/Conveyor.js';
import type { ConveyorTopic } from '../../infra/declared/ConveyorTopic.js';
import { providerFunctionName } from '../../infra/declared/Declarations.js';
import { SUBSCRIPTION_QUEUE_ACTIONS, SUBSCRIPTION_RULE_ACTIONS } from '../../infra/constructs/RuntimeAccess.js';
import { ResourceEnv } from '../../src/adapters/aws/resources.js';
import { shopStack, synthesizeShop } from './declaredFixtures.js';
import { actionsOf, logicalIdOf, statementsOf } from './fixtures.js';

const shop = synthesizeShop();
const template = shop.template();
const settingsOf = (properties: { Settings: string }): unknown => JSON.parse(properties.Settings);

describe('Construct: Conveyor declarations', () => {
  describe('Method: addTopic', () => {
    it('declares the topic as a custom resource with the settings the API stores, its defaults spelled out', () => {
      // Act
      const [topic] = Object.values(template.findResources('Custom::ConveyorTopic')) as Array<{ Properties: { Name: string; Settings: string } }>;

      // Assess
      expect(topic?.Properties.Name).toBe('orders');
      expect(settingsOf(topic!.Properties)).toEqual({ partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600 });
    });

    it('retains the topic by default, since it holds data, and deletes it when its removal policy says so', () => {
      // Prepare
      const { stack, conveyor } = shopStack();

      // Act
      conveyor.addTopic('scratch', { removalPolicy: RemovalPolicy.DESTROY });

      // Assess
      template.hasResource('Custom::ConveyorTopic', { Properties: Match.objectLike({ Name: 'orders' }), DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      Template.fromStack(stack).hasResource('Custom::ConveyorTopic', { Properties: Match.objectLike({ Name: 'scratch' }), DeletionPolicy: 'Delete' });
    });

    it('runs every declaration through one provider function with the API function environment', () => {
      // Prepare
      const providers = template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: providerFunctionName('conveyor') } });
      const [provider] = Object.values(providers) as Array<{ Properties: { Environment: { Variables: Record<string, unknown> }; Timeout: number } }>;
      const api = shop.conveyor.functions.api.function;

      // Act
      const apiEnvironment = (template.toJSON()['Resources'] as Record<string, { Properties: { Environment: { Variables: object } } }>)[logicalIdOf(api)]?.Properties.Environment.Variables;

      // Assess
      expect(Object.keys(providers)).toHaveLength(1);
      expect(provider?.Properties.Environment.Variables).toEqual(apiEnvironment);
      expect(provider?.Properties.Environment.Variables).toMatchObject({ CONVEYOR_BACKEND: 'aws', [ResourceEnv.resourcePrefix]: 'conveyor' });
      expect(provider?.Properties.Timeout).toBe(900);
    });

    it('grants the provider what provisioning takes: the meta table, reading the log, subscription queues, rules, alarms and schedules', () => {
      // Prepare
      const provider = shop.conveyor.node.findChild('Declarations').node.findChild('Provider');
      const statements = statementsOf({ template }, provider.node.findChild('Role'));

      // Act
      const actions = statements.flatMap(actionsOf);

      // Assess
      expect(actions).toEqual(expect.arrayContaining([...SUBSCRIPTION_QUEUE_ACTIONS, ...SUBSCRIPTION_RULE_ACTIONS, 'cloudwatch:PutMetricAlarm', 'scheduler:CreateSchedule', 'iam:PassRole', 'dynamodb:PutItem', 'dynamodb:Query']));
      expect(actions).not.toContain('secretsmanager:GetSecretValue');
    });
  });

  describe('Method: addSubscription', () => {
    it('declares each subscription after its topic, with its settings, deleted with the app by default', () => {
      // Prepare
      const topicId = logicalIdOf(shop.orders.resource);

      // Act
      const subscriptions = template.findResources('Custom::ConveyorSubscription') as Record<string, { Properties: { Name: string; Topic: string; Settings: string }; DependsOn: string[]; DeletionPolicy: string }>;

      // Assess
      expect(Object.values(subscriptions).map((resource) => ({ ...resource.Properties, Settings: settingsOf(resource.Properties), DependsOn: resource.DependsOn, DeletionPolicy: resource.DeletionPolicy }))).toEqual([
        expect.objectContaining({
          Name: 'billing',
          Topic: 'orders',
          Settings: { filter: null, ackDeadlineSeconds: 30, maxDeliveries: 5, retryBackoff: { minSeconds: 1, maxSeconds: 600 }, ordered: false, startFrom: 'latest', deadLetterAlarm: true },
          DependsOn: [topicId],
          DeletionPolicy: 'Delete',
        }),
        expect.objectContaining({ Name: 'shipping-eu', Settings: expect.objectContaining({ filter: { attributes: { region: ['eu'] } }, ordered: true }), DependsOn: [topicId] }),
      ]);
    });

    it('imports the queue from the custom resource attributes, FIFO when ordered', () => {
      // Act
      const resolved = shop.stack.resolve({ arn: shop.eu.queueArn, url: shop.eu.queueUrl, dlq: shop.eu.deadLetterQueueArn, queue: shop.eu.queue.queueArn });

      // Assess
      const id = logicalIdOf(shop.eu.resource);
      expect(resolved).toEqual({
        arn: { 'Fn::GetAtt': [id, 'QueueArn'] },
        url: { 'Fn::GetAtt': [id, 'QueueUrl'] },
        dlq: { 'Fn::GetAtt': [id, 'DeadLetterQueueArn'] },
        queue: { 'Fn::GetAtt': [id, 'QueueArn'] },
      });
      expect(shop.eu.queue.fifo).toBe(true);
      expect(shop.billing.queue.fifo).toBe(false);
    });
  });

  describe('Method: addSchedule', () => {
    it('declares the schedule after its topic and the schedule target, with the time zone and message', () => {
      // Act
      const [schedule] = Object.values(template.findResources('Custom::ConveyorSchedule')) as Array<{ Properties: { Name: string; Settings: string }; DependsOn: string[] }>;

      // Assess
      expect(schedule?.Properties.Name).toBe('nightly');
      expect(settingsOf(schedule!.Properties)).toEqual({ topic: 'orders', cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } });
      expect(schedule?.DependsOn).toEqual(expect.arrayContaining([logicalIdOf(shop.orders.resource), logicalIdOf(shop.conveyor.functions.scheduleTarget.function)]));
    });
  });

  describe('synth-time validation', () => {
    const declare = (build: (conveyor: Conveyor) => unknown) => (): unknown => build(shopStack().conveyor);
    const topics = new WeakMap<Conveyor, ConveyorTopic>();
    const orders = (conveyor: Conveyor): ConveyorTopic => topics.get(conveyor) ?? topics.set(conveyor, conveyor.addTopic('orders')).get(conveyor)!;

    it.each([
      { case: 'too many partitions', build: (c: Conveyor) => c.addTopic('orders', { partitions: 65 }), message: 'Conveyor topic "orders": props.partitions must be between 1 and 64, but 65 was provided' },
      { case: 'a fractional retention', build: (c: Conveyor) => c.addTopic('orders', { retentionHours: 1.5 }), message: 'props.retentionHours must be an integer, but 1.5 was provided' },
      { case: 'a misspelled topic setting', build: (c: Conveyor) => c.addTopic('orders', { partition: 4 } as object), message: 'props: unknown field "partition"' },
      { case: 'a topic name with a dot', build: (c: Conveyor) => c.addTopic('orders.eu'), message: 'topic name must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$, but "orders.eu" was provided' },
      { case: 'no deliveries', build: (c: Conveyor) => c.addTopic('orders').addSubscription('billing', { maxDeliveries: 0 }), message: 'Conveyor subscription "orders/billing": props.maxDeliveries must be between 1 and 100, but 0 was provided' },
      { case: 'a backoff that shrinks', build: (c: Conveyor) => c.addTopic('orders').addSubscription('billing', { retryBackoff: { minSeconds: 60, maxSeconds: 10 } }), message: 'minSeconds must not exceed maxSeconds, but 60 > 10 was provided' },
      { case: 'a filter leaf that is not an array', build: (c: Conveyor) => c.addTopic('orders').addSubscription('eu', { filter: { attributes: { region: 'eu' } } }), message: 'Conveyor subscription "orders/eu": filter.attributes.region: expected an array of match values or a nested pattern object, but "eu" was provided' },
      { case: 'an unknown filter operator', build: (c: Conveyor) => c.addTopic('orders').addSubscription('eu', { filter: { key: [{ regex: '.*' }] } }), message: 'filter.key: unknown operator "regex"' },
      { case: 'a subscription name too long', build: (c: Conveyor) => c.addTopic('orders').addSubscription('x'.repeat(49)), message: 'subscription name must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$, but "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" was provided' },
      { case: 'a cron of words', build: (c: Conveyor) => c.addSchedule('nightly', { topic: 'orders', cron: 'every night', message: { body: 1 } }), message: 'Conveyor schedule "nightly": cron must be a 5- or 6-field cron expression, but "every night" was provided' },
      { case: 'an unknown time zone', build: (c: Conveyor) => c.addSchedule('nightly', { topic: 'orders', cron: '0 2 * * *', timezone: 'Mars/Olympus', message: { body: 1 } }), message: 'timezone must be an IANA time zone such as "UTC" or "Europe/Berlin", but "Mars/Olympus" was provided' },
      { case: 'a scheduled message over 256 KiB', build: (c: Conveyor) => c.addSchedule('big', { topic: 'orders', cron: '0 2 * * *', message: { body: 'x'.repeat(262_145) } }), message: 'Conveyor schedule "big": props.message (body serialized, key, id and attributes) must be at most 262144 bytes, but 262147 were provided' },
      { case: 'a schedule on a topic name with a space', build: (c: Conveyor) => c.addSchedule('nightly', { topic: 'my orders', cron: '0 2 * * *', message: { body: 1 } }), message: 'props.topic must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$, but "my orders" was provided' },
      { case: 'a topic declared twice', build: (c: Conveyor) => [c.addTopic('orders'), c.addTopic('orders')], message: 'topic "orders" is declared twice' },
      { case: 'a subscription declared twice', build: (c: Conveyor) => [0, 1].map(() => orders(c).addSubscription('billing')), message: 'subscription "billing" of topic "orders" is declared twice' },
      { case: 'a schedule declared twice', build: (c: Conveyor) => [0, 1].map(() => c.addSchedule('nightly', { topic: 'orders', cron: '0 2 * * *', message: { body: 1 } })), message: 'schedule "nightly" is declared twice' },
    ])('fails the synthesis with the API message for $case', ({ build, message }) => {
      // Act
      const synthesis = declare(build);

      // Assess
      expect(synthesis).toThrow(message);
    });
  });
});
