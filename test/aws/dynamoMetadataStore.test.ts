import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoGroupOffsets } from '../../src/adapters/aws/DynamoGroupOffsets.js';
import { toSubscriptionItem } from '../../src/adapters/aws/dynamo/metaItems.js';
import { DynamoMetadataStore } from '../../src/adapters/aws/DynamoMetadataStore.js';
import { StartFrom } from '../../src/domain/constants.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { SubscriptionUpdate } from '../../src/ports/MetadataStore.js';
import type { Subscription, Topic } from '../../src/domain/types.js';
import { FakeProvisioner, FakeTimers, scheduleFactory, subscriptionFactory, TABLES, topicFactory, useDynamo } from './dynamoFixtures.js';

describe('Class: DynamoMetadataStore', () => {
  const dynamo = useDynamo();
  let provisioner: FakeProvisioner;
  let timers: FakeTimers;
  let backfills: string[];
  let failBackfill: boolean;
  let store: DynamoMetadataStore;

  beforeEach(() => {
    provisioner = new FakeProvisioner();
    timers = new FakeTimers();
    backfills = [];
    failBackfill = false;
    const backfill = async (topic: Topic, subscription: Subscription): Promise<void> => {
      backfills.push(`${topic.name}@${topic.createdAt}/${subscription.name}`);
      if (failBackfill) throw new UnavailableError('the queue is unavailable (fake)');
    };
    store = new DynamoMetadataStore(dynamo().clients, TABLES, { provisioner, backfill, timers });
  });

  const orders = topicFactory({ name: 'orders', partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600 });

  describe('Method: createTopic', () => {
    it('stores a new topic and reports it created', async () => {
      // Act
      const result = await store.createTopic(orders);

      // Assess
      expect(result).toEqual({ created: true, value: orders });
      expect(await store.getTopic('orders')).toEqual(orders);
    });

    it('returns the stored topic untouched when the name exists', async () => {
      // Prepare
      await store.createTopic(orders);

      // Act
      const result = await store.createTopic({ ...orders, partitions: 8, createdAt: '2026-02-01T00:00:00.000Z' });

      // Assess
      expect(result).toEqual({ created: false, value: orders });
    });
  });

  describe('Method: getTopic / listTopics', () => {
    it('answers null for a topic that does not exist', async () => {
      expect(await store.getTopic('missing')).toBeNull();
    });

    it('lists every topic by name', async () => {
      // Prepare
      for (const name of ['b', 'a', 'c']) await store.createTopic(topicFactory({ name }));

      // Act
      const topics = await store.listTopics();

      // Assess
      expect(topics.map((topic) => topic.name)).toEqual(['a', 'b', 'c']);
    });
  });

  describe('Method: deleteTopic', () => {
    it('removes subscriptions (resources first), schedules (timers first), group offsets and the topic', async () => {
      // Prepare
      await store.createTopic(orders);
      await store.createTopic(topicFactory({ name: 'other' }));
      await store.createSubscription(subscriptionFactory({ topic: 'orders', name: 'billing' }));
      await store.putSchedule(scheduleFactory({ name: 'nightly', topic: 'orders' }));
      await store.putSchedule(scheduleFactory({ name: 'elsewhere', topic: 'other' }));
      const groups = new DynamoGroupOffsets(dynamo().clients, TABLES);
      await groups.commit('orders', 'readers', [{ partition: 0, offset: 3 }]);
      provisioner.calls.length = 0;
      timers.calls.length = 0;

      // Act
      const deleted = await store.deleteTopic('orders');

      // Assess
      expect(deleted).toBe(true);
      expect(provisioner.calls).toEqual(['destroy orders/billing@2026-01-02T00:00:00.000Z']);
      expect(timers.calls).toEqual(['delete nightly']);
      expect(await store.getTopic('orders')).toBeNull();
      expect(await store.listSubscriptions('orders')).toEqual([]);
      expect((await store.listSchedules()).map((schedule) => schedule.name)).toEqual(['elsewhere']);
      expect(await groups.get('orders', 'readers')).toEqual(new Map());
    });

    it('answers false for a topic that does not exist', async () => {
      expect(await store.deleteTopic('missing')).toBe(false);
    });
  });

  describe('Method: createSubscription', () => {
    beforeEach(async () => {
      await store.createTopic(orders);
    });

    it('provisions the queues and rule, then stores the subscription', async () => {
      // Prepare
      const billing = subscriptionFactory({ topic: 'orders', name: 'billing', filter: { key: [{ prefix: 'eu-' }] }, ordered: true });

      // Act
      const result = await store.createSubscription(billing);

      // Assess
      expect(result).toEqual({ created: true, value: billing });
      expect(provisioner.calls).toEqual(['provision orders/billing@2026-01-02T00:00:00.000Z']);
      expect(await store.getSubscription('orders', 'billing')).toEqual(billing);
      expect(backfills).toEqual([]);
    });

    it('returns the stored subscription without provisioning anything when it exists', async () => {
      // Prepare
      const billing = subscriptionFactory({ topic: 'orders', name: 'billing' });
      await store.createSubscription(billing);
      provisioner.calls.length = 0;

      // Act
      const result = await store.createSubscription({ ...billing, maxDeliveries: 9, createdAt: '2026-03-01T00:00:00.000Z' });

      // Assess
      expect(result).toEqual({ created: false, value: billing });
      expect(provisioner.calls).toEqual([]);
    });

    it('stores nothing when provisioning fails', async () => {
      // Prepare
      provisioner.onProvision = async () => {
        throw new UnavailableError('SQS is unavailable (fake)');
      };

      // Act
      const creating = store.createSubscription(subscriptionFactory({ topic: 'orders', name: 'billing' }));

      // Assess
      await expect(creating).rejects.toMatchObject({ code: 'Unavailable' });
      expect(await store.getSubscription('orders', 'billing')).toBeNull();
    });

    it('removes what it provisioned and returns the winner when another process created it first', async () => {
      // Prepare: a competitor stores its own subscription while this one provisions
      const winner = subscriptionFactory({ topic: 'orders', name: 'billing', createdAt: '2026-01-05T00:00:00.000Z' });
      const loser = subscriptionFactory({ topic: 'orders', name: 'billing', createdAt: '2026-01-05T00:00:00.001Z' });
      const competitor = new DynamoMetadataStore(dynamo().clients, TABLES, { provisioner: new FakeProvisioner(), backfill: async () => undefined, timers });
      provisioner.onProvision = async () => void (await competitor.createSubscription(winner));

      // Act
      const result = await store.createSubscription(loser);

      // Assess
      expect(result).toEqual({ created: false, value: winner });
      expect(provisioner.calls).toEqual(['provision orders/billing@2026-01-05T00:00:00.001Z', 'destroy orders/billing@2026-01-05T00:00:00.001Z']);
    });

    it('throws TopicNotFound without provisioning when the topic does not exist', async () => {
      // Act
      const creating = store.createSubscription(subscriptionFactory({ topic: 'missing', name: 'billing' }));

      // Assess
      await expect(creating).rejects.toMatchObject({ code: 'TopicNotFound' });
      expect(provisioner.calls).toEqual([]);
    });

    it('removes what it provisioned and throws TopicNotFound when the topic is deleted meanwhile', async () => {
      // Prepare
      provisioner.onProvision = async () => void (await store.deleteTopic('orders'));

      // Act
      const creating = store.createSubscription(subscriptionFactory({ topic: 'orders', name: 'billing' }));

      // Assess
      await expect(creating).rejects.toMatchObject({ code: 'TopicNotFound' });
      expect(provisioner.calls).toEqual(['provision orders/billing@2026-01-02T00:00:00.000Z', 'destroy orders/billing@2026-01-02T00:00:00.000Z']);
      expect(await store.getSubscription('orders', 'billing')).toBeNull();
    });

    it('backfills a startFrom earliest subscription after storing it', async () => {
      // Act
      await store.createSubscription(subscriptionFactory({ topic: 'orders', name: 'replay', startFrom: StartFrom.Earliest }));

      // Assess
      expect(backfills).toEqual([`orders@${orders.createdAt}/replay`]);
    });

    it('removes the subscription again and throws when its backfill fails, so a retry starts over', async () => {
      // Prepare
      failBackfill = true;

      // Act
      const creating = store.createSubscription(subscriptionFactory({ topic: 'orders', name: 'replay', startFrom: StartFrom.Earliest }));

      // Assess
      await expect(creating).rejects.toMatchObject({ code: 'Unavailable' });
      expect(await store.getSubscription('orders', 'replay')).toBeNull();
      expect(provisioner.calls).toEqual(['provision orders/replay@2026-01-02T00:00:00.000Z', 'destroy orders/replay@2026-01-02T00:00:00.000Z']);
    });
  });

  describe('Method: updateSubscription', () => {
    const read = subscriptionFactory({ topic: 'orders', name: 'billing' });

    beforeEach(async () => {
      await store.createTopic(orders);
      await store.createSubscription(read);
      provisioner.calls.length = 0;
    });

    it('stores the change made on the settings stored, then applies it to the queues', async () => {
      // Act
      const outcome = await store.updateSubscription(read, { ...read, maxDeliveries: 9 });

      // Assess
      expect(outcome).toBe(SubscriptionUpdate.Updated);
      expect(await store.getSubscription('orders', 'billing')).toEqual({ ...read, maxDeliveries: 9 });
      expect(provisioner.applied).toEqual([{ ...read, maxDeliveries: 9 }]);
    });

    it('answers Stale, storing and applying nothing, when another change was stored since the read', async () => {
      // Prepare
      await store.updateSubscription(read, { ...read, ackDeadlineSeconds: 60 });
      provisioner.applied.length = 0;

      // Act: a change merged into the settings read before the other one
      const outcome = await store.updateSubscription(read, { ...read, maxDeliveries: 9 });

      // Assess
      expect(outcome).toBe(SubscriptionUpdate.Stale);
      expect(await store.getSubscription('orders', 'billing')).toEqual({ ...read, ackDeadlineSeconds: 60 });
      expect(provisioner.applied).toEqual([]);
    });

    it('answers Gone for a subscription deleted, or deleted and created again, since the read', async () => {
      // Prepare
      await store.deleteSubscription('orders', 'billing');
      const gone = await store.updateSubscription(read, { ...read, maxDeliveries: 9 });
      await store.createSubscription({ ...read, createdAt: '2026-01-03T00:00:00.000Z' });

      // Act
      const recreated = await store.updateSubscription(read, { ...read, maxDeliveries: 9 });

      // Assess
      expect([gone, recreated]).toEqual([SubscriptionUpdate.Gone, SubscriptionUpdate.Gone]);
      expect(await store.getSubscription('orders', 'billing')).toMatchObject({ maxDeliveries: 5, createdAt: '2026-01-03T00:00:00.000Z' });
    });

    it('applies the settings stored last when a later change is stored while it applies its own', async () => {
      // Prepare: the later change is stored and applied while the first one applies its settings
      const later = { ...read, maxDeliveries: 9, ackDeadlineSeconds: 60 };
      provisioner.onUpdate = async () => {
        provisioner.onUpdate = async () => undefined;
        await store.updateSubscription({ ...read, maxDeliveries: 9 }, later);
      };

      // Act
      const outcome = await store.updateSubscription(read, { ...read, maxDeliveries: 9 });

      // Assess: the first change's application came last in time, and applied the later settings again
      expect(outcome).toBe(SubscriptionUpdate.Updated);
      expect(provisioner.applied).toEqual([{ ...read, maxDeliveries: 9 }, later, later]);
      expect(await store.getSubscription('orders', 'billing')).toEqual(later);
    });
  });

  describe('Method: listSubscriptions / deleteSubscription', () => {
    beforeEach(async () => {
      await store.createTopic(orders);
      for (const name of ['b', 'a']) await store.createSubscription(subscriptionFactory({ topic: 'orders', name }));
      provisioner.calls.length = 0;
    });

    it('lists the subscriptions of one topic by name', async () => {
      expect((await store.listSubscriptions('orders')).map((subscription) => subscription.name)).toEqual(['a', 'b']);
    });

    it('lists them for the relay with how each is reached: packs, one event per message for those made so, and for items written before packs', async () => {
      // Prepare: c made while the provisioner made rules of one event per message; d an item as versions before packs wrote it
      provisioner.fanOut = 'event';
      await store.createSubscription(subscriptionFactory({ topic: 'orders', name: 'c' }));
      await dynamo().clients.dynamo.send(new PutCommand({ TableName: TABLES.metaTable, Item: { ...toSubscriptionItem(subscriptionFactory({ topic: 'orders', name: 'd' }), 'event') } }));
      await store.updateSubscription(subscriptionFactory({ topic: 'orders', name: 'a' }), subscriptionFactory({ topic: 'orders', name: 'a', maxDeliveries: 9 }));

      // Act
      const routed = await store.listRoutedSubscriptions('orders');

      // Assess: a change of settings keeps what a subscription's rule matches
      expect(routed.map(({ subscription, fanOut }) => [subscription.name, fanOut])).toEqual([
        ['a', 'pack'],
        ['b', 'pack'],
        ['c', 'event'],
        ['d', 'event'],
      ]);
      expect(routed[0]?.subscription.maxDeliveries).toBe(9);
    });

    it('removes the resources, then the subscription', async () => {
      // Act
      const deleted = await store.deleteSubscription('orders', 'a');

      // Assess
      expect(deleted).toBe(true);
      expect(provisioner.calls).toEqual(['destroy orders/a@2026-01-02T00:00:00.000Z']);
      expect((await store.listSubscriptions('orders')).map((subscription) => subscription.name)).toEqual(['b']);
    });

    it('answers false, touching nothing, for a subscription that does not exist', async () => {
      expect(await store.deleteSubscription('orders', 'missing')).toBe(false);
      expect(provisioner.calls).toEqual([]);
    });
  });

  describe('Method: putSchedule', () => {
    beforeEach(async () => {
      await store.createTopic(orders);
    });

    it('stores a new schedule, creates its timer, and reports it created', async () => {
      // Prepare
      const nightly = scheduleFactory({ name: 'nightly', topic: 'orders', message: { body: { run: 1 }, key: 'k', attributes: { a: 'b' } } });

      // Act
      const result = await store.putSchedule(nightly);

      // Assess
      expect(result).toEqual({ created: true, value: nightly });
      expect(timers.stored).toEqual([nightly]);
      expect(await store.getSchedule('nightly')).toEqual(nightly);
    });

    it('replaces a schedule but keeps its creation time and last tick', async () => {
      // Prepare
      await store.putSchedule(scheduleFactory({ name: 'nightly', topic: 'orders' }));
      await store.advanceSchedule('nightly', '2026-01-03T01:00:00.000Z', '2026-01-03T01:00:00.000Z', '2026-01-03T02:00:00.000Z');

      // Act
      const result = await store.putSchedule(
        scheduleFactory({ name: 'nightly', topic: 'orders', cron: '*/5 * * * *', createdAt: '2026-02-01T00:00:00.000Z', nextFireAt: null }),
      );

      // Assess
      const expected = scheduleFactory({ name: 'nightly', topic: 'orders', cron: '*/5 * * * *', nextFireAt: null, lastFiredAt: '2026-01-03T01:00:00.000Z' });
      expect(result).toEqual({ created: false, value: expected });
      expect(await store.getSchedule('nightly')).toEqual(expected);
      expect(timers.stored.at(-1)).toEqual(expected);
    });

    it('puts the previous schedule back and throws when its timer cannot be updated', async () => {
      // Prepare
      const before = scheduleFactory({ name: 'nightly', topic: 'orders' });
      await store.putSchedule(before);
      timers.failNext = true;

      // Act
      const putting = store.putSchedule(scheduleFactory({ name: 'nightly', topic: 'orders', cron: '*/5 * * * *' }));

      // Assess
      await expect(putting).rejects.toMatchObject({ code: 'Unavailable' });
      expect(await store.getSchedule('nightly')).toEqual(before);
    });

    it('removes a new schedule again and throws when its timer cannot be created', async () => {
      // Prepare
      timers.failNext = true;

      // Act
      const putting = store.putSchedule(scheduleFactory({ name: 'nightly', topic: 'orders' }));

      // Assess
      await expect(putting).rejects.toMatchObject({ code: 'Unavailable' });
      expect(await store.getSchedule('nightly')).toBeNull();
    });

    it('throws TopicNotFound for a schedule on a topic that does not exist', async () => {
      await expect(store.putSchedule(scheduleFactory({ name: 'nightly', topic: 'missing' }))).rejects.toMatchObject({ code: 'TopicNotFound' });
      expect(timers.calls).toEqual([]);
    });
  });

  describe('Schedules: list, delete, due, advance, next', () => {
    beforeEach(async () => {
      await store.createTopic(orders);
      await store.putSchedule(scheduleFactory({ name: 'late', topic: 'orders', nextFireAt: '2026-01-03T03:00:00.000Z' }));
      await store.putSchedule(scheduleFactory({ name: 'early', topic: 'orders', nextFireAt: '2026-01-03T01:00:00.000Z' }));
      await store.putSchedule(scheduleFactory({ name: 'done', topic: 'orders', nextFireAt: null }));
      timers.calls.length = 0;
    });

    it('lists every schedule by name', async () => {
      expect((await store.listSchedules()).map((schedule) => schedule.name)).toEqual(['done', 'early', 'late']);
    });

    it('deletes the timer, then the schedule; false when there is none', async () => {
      expect(await store.deleteSchedule('early')).toBe(true);
      expect(await store.deleteSchedule('early')).toBe(false);
      expect(timers.calls).toEqual(['delete early']);
      expect(await store.getSchedule('early')).toBeNull();
    });

    it.each([
      { case: 'before every tick', now: '2026-01-03T00:59:59.999Z', due: [] },
      { case: 'exactly at the first tick', now: '2026-01-03T01:00:00.000Z', due: ['early'] },
      { case: 'after both ticks', now: '2026-01-03T05:00:00.000Z', due: ['early', 'late'] },
    ])('answers the schedules due $case, earliest first', async ({ now, due }) => {
      expect((await store.dueSchedules(Date.parse(now))).map((schedule) => schedule.name)).toEqual(due);
    });

    it('answers the earliest next tick, or null without any', async () => {
      expect(await store.nextScheduleAt()).toBe(Date.parse('2026-01-03T01:00:00.000Z'));
      for (const name of ['early', 'late', 'done']) await store.deleteSchedule(name);
      expect(await store.nextScheduleAt()).toBeNull();
    });

    it('advances a schedule that still expects the tick, and refuses one that moved on', async () => {
      // Act
      const first = await store.advanceSchedule('early', '2026-01-03T01:00:00.000Z', '2026-01-03T01:00:00.000Z', '2026-01-03T02:00:00.000Z');
      const again = await store.advanceSchedule('early', '2026-01-03T01:00:00.000Z', '2026-01-03T01:00:00.000Z', '2026-01-03T02:00:00.000Z');

      // Assess
      expect([first, again]).toEqual([true, false]);
      expect(await store.getSchedule('early')).toMatchObject({ lastFiredAt: '2026-01-03T01:00:00.000Z', nextFireAt: '2026-01-03T02:00:00.000Z' });
    });

    it('advances to no next tick, and matches an expected null only against a schedule without one', async () => {
      // Act
      const ended = await store.advanceSchedule('late', '2026-01-03T03:00:00.000Z', '2026-01-03T03:00:00.000Z', null);
      const nullOnDone = await store.advanceSchedule('done', null, '2026-01-03T04:00:00.000Z', null);
      const nullOnEarly = await store.advanceSchedule('early', null, '2026-01-03T04:00:00.000Z', null);
      const missing = await store.advanceSchedule('missing', null, '2026-01-03T04:00:00.000Z', null);

      // Assess
      expect([ended, nullOnDone, nullOnEarly, missing]).toEqual([true, true, false, false]);
      expect(await store.getSchedule('late')).toMatchObject({ nextFireAt: null, lastFiredAt: '2026-01-03T03:00:00.000Z' });
    });
  });
});
