import { pino } from 'pino';
import { createSqliteBackend } from '../../../../src/adapters/sqlite/createSqliteBackend.js';
import { SqliteStore } from '../../../../src/adapters/sqlite/SqliteStore.js';
import { Broker } from '../../../../src/broker/Broker.js';
import { TopicLimits } from '../../../../src/domain/constants.js';
import { SubscriptionNotFoundError, TopicNotFoundError } from '../../../../src/domain/errors.js';
import { putSubscriptionBody } from '../../../../src/http/schemas/subscriptions.js';
import { systemClock } from '../../../../src/ports/Clock.js';
import { TestClock } from '../../../helpers/TestClock.js';

const topicSettings = { partitions: 1, retentionHours: TopicLimits.retentionHours.default, dedupWindowSeconds: 0 };
const subscriptionSettings = (settings: Record<string, unknown> = {}) => ({ ...putSubscriptionBody.parse(settings), filter: null });
const pullAll = { max: 100, waitMs: 0 };

/** The embedded store keeps topic and subscription rows by name: these specs change the tables under it. */
describe('Class: Catalog', () => {
  describe('through the broker', () => {
    let broker: Broker;

    beforeEach(async () => {
      broker = new Broker({ backend: createSqliteBackend({ dataDir: ':memory:', clock: systemClock }), clock: systemClock, logger: pino({ level: 'silent' }) });
      await broker.topics.create('jobs', topicSettings);
    });

    afterEach(() => broker.close());

    it('routes a publish to a subscription created after the topic was last published to', async () => {
      // Prepare
      await broker.subscriptions.create('jobs', 'first', subscriptionSettings());
      await broker.publisher.publish('jobs', [{ body: 'before' }]);
      await broker.subscriptions.create('jobs', 'second', subscriptionSettings());

      // Act
      await broker.publisher.publish('jobs', [{ body: 'after' }]);

      // Assess
      expect((await broker.delivery.pull('jobs', 'first', pullAll)).map((delivery) => delivery.body)).toEqual(['before', 'after']);
      expect((await broker.delivery.pull('jobs', 'second', pullAll)).map((delivery) => delivery.body)).toEqual(['after']);
    });

    it('leases with the ack deadline a subscription was updated to, not the one it had when first pulled', async () => {
      // Prepare
      await broker.subscriptions.create('jobs', 'workers', subscriptionSettings({ ackDeadlineSeconds: 30 }));
      await broker.publisher.publish('jobs', [{ body: 'a' }, { body: 'b' }]);
      const [first] = await broker.delivery.pull('jobs', 'workers', { max: 1, waitMs: 0 });

      // Act
      await broker.subscriptions.update('jobs', 'workers', { ackDeadlineSeconds: 90 });
      const [second] = await broker.delivery.pull('jobs', 'workers', { max: 1, waitMs: 0 });

      // Assess
      expect(first!.leaseSeconds).toBe(30);
      expect(second!.leaseSeconds).toBe(90);
    });

    it('refuses pulls of a deleted subscription, and publishes to a deleted topic', async () => {
      // Prepare
      await broker.subscriptions.create('jobs', 'workers', subscriptionSettings());
      await broker.delivery.pull('jobs', 'workers', pullAll);

      // Act
      await broker.subscriptions.delete('jobs', 'workers');
      const pull = await broker.delivery.pull('jobs', 'workers', pullAll).catch((error: unknown) => error);
      await broker.topics.delete('jobs');
      const publish = await broker.publisher.publish('jobs', [{ body: 'lost' }]).catch((error: unknown) => error);

      // Assess
      expect(pull).toBeInstanceOf(SubscriptionNotFoundError);
      expect(publish).toBeInstanceOf(TopicNotFoundError);
    });

    it('publishes to a topic re-created under the same name, with the new topic’s settings', async () => {
      // Prepare
      await broker.publisher.publish('jobs', [{ body: 'old' }]);
      await broker.topics.delete('jobs');

      // Act
      await broker.topics.create('jobs', { ...topicSettings, partitions: 3 });
      await broker.subscriptions.create('jobs', 'workers', subscriptionSettings());
      const [outcome] = await broker.publisher.publish('jobs', [{ body: 'new', key: 'k' }]);

      // Assess
      expect((await broker.topics.require('jobs')).partitions).toBe(3);
      expect(outcome).toMatchObject({ offset: 0 });
      expect((await broker.delivery.pull('jobs', 'workers', pullAll)).map((delivery) => delivery.body)).toEqual(['new']);
    });
  });

  describe('through lease expiry, which knows subscriptions by id', () => {
    const clock = new TestClock();
    let broker: Broker;

    beforeEach(async () => {
      broker = new Broker({ backend: createSqliteBackend({ dataDir: ':memory:', clock }), clock, logger: pino({ level: 'silent' }) });
      await broker.topics.create('jobs', topicSettings);
    });

    afterEach(() => broker.close());

    it('settles an expired lease by the maxDeliveries the subscription was updated to, not the one it had at the last pass', async () => {
      // Prepare: a pass of lease expiry reads the subscription while its lease runs
      await broker.subscriptions.create('jobs', 'workers', subscriptionSettings({ ackDeadlineSeconds: 10, maxDeliveries: 5 }));
      await broker.publisher.publish('jobs', [{ body: 'slow' }]);
      await broker.delivery.pull('jobs', 'workers', pullAll);
      const before = await broker.maintenance.runOnce();

      // Act
      await broker.subscriptions.update('jobs', 'workers', { maxDeliveries: 1 });
      clock.advance(11_000);
      const after = await broker.maintenance.runOnce();

      // Assess: its one failed delivery was its last
      expect([before.expired, after.expired]).toEqual([0, 1]);
      expect((await broker.subscriptions.describe('jobs', 'workers')).stats).toMatchObject({ deadLetters: 1, backlog: 0 });
    });
  });

  describe('Method: changed', () => {
    it('forgets a row read inside a write that was then rolled back', async () => {
      // Prepare
      const store = SqliteStore.open({ dataDir: ':memory:' });
      const createThenFail = store.writer.submit((context) => {
        store.catalog.changed(context);
        store.db.prepare('INSERT INTO topics (name, partitions, retention_hours, dedup_window_seconds, created_at) VALUES (?, 1, 1, 0, 0)').run('ghost');
        expect(store.catalog.topic('ghost')).toMatchObject({ name: 'ghost' });
        throw new Error('the job fails after reading its own row');
      });

      // Act
      await expect(createThenFail).rejects.toMatchObject({ cause: { message: 'the job fails after reading its own row' } });

      // Assess
      expect(store.catalog.topic('ghost')).toBeUndefined();
      await store.close();
    });
  });
});
