import { pino } from 'pino';
import { createSqliteBackend } from '../../../../src/adapters/sqlite/createSqliteBackend.js';
import { Broker } from '../../../../src/broker/Broker.js';
import { AckFailure, TopicLimits } from '../../../../src/domain/constants.js';
import { putSubscriptionBody } from '../../../../src/http/schemas/subscriptions.js';
import { systemClock } from '../../../../src/ports/Clock.js';
import { makeDataDir, removeDataDir } from '../../../helpers/dataDir.js';
import { TestClock } from '../../../helpers/TestClock.js';

const pullAll = { max: 100, waitMs: 0 };

/** The embedded backend keeps leases in memory: these specs restart it over the same data folder. */
describe('Leases of the embedded backend', () => {
  let dataDir: string;
  let broker: Broker | undefined;

  const start = (): Broker => {
    broker = new Broker({ backend: createSqliteBackend({ dataDir, clock: systemClock }), clock: systemClock, logger: pino({ level: 'silent' }) });
    return broker;
  };
  const restart = async (): Promise<Broker> => {
    await broker?.close();
    return start();
  };

  beforeEach(async () => {
    dataDir = makeDataDir('leases');
    const first = start();
    await first.topics.create('jobs', { partitions: 1, retentionHours: TopicLimits.retentionHours.default, dedupWindowSeconds: 0 });
    await first.subscriptions.create('jobs', 'workers', { ...putSubscriptionBody.parse({ ackDeadlineSeconds: 600 }), filter: null });
  });

  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    removeDataDir(dataDir);
  });

  it('makes leased messages ready at once after a restart, with the delivery attempt they had, and refuses the old ack ids as ended leases', async () => {
    // Prepare
    await broker!.publisher.publish('jobs', [{ body: 'a' }, { body: 'b' }]);
    const leased = await broker!.delivery.pull('jobs', 'workers', pullAll);

    // Act
    const restarted = await restart();
    const again = await restarted.delivery.pull('jobs', 'workers', pullAll);
    const oldAck = await restarted.delivery.ack('jobs', 'workers', [leased[0]!.ackId]);

    // Assess
    expect(leased.map((delivery) => [delivery.body, delivery.deliveryAttempt])).toEqual([['a', 1], ['b', 1]]);
    expect(again.map((delivery) => [delivery.body, delivery.deliveryAttempt])).toEqual([['a', 1], ['b', 1]]);
    expect(oldAck).toMatchObject({ acked: 0, failed: [{ ackId: leased[0]!.ackId, code: AckFailure.LeaseExpired }] });
  });

  it('never gives back an acked message after a restart, and counts a nacked delivery across it', async () => {
    // Prepare
    await broker!.publisher.publish('jobs', [{ body: 'acked' }, { body: 'nacked' }]);
    const [acked, nacked] = await broker!.delivery.pull('jobs', 'workers', pullAll);
    await broker!.delivery.ack('jobs', 'workers', [acked!.ackId]);
    await broker!.delivery.nack('jobs', 'workers', [nacked!.ackId], 0);

    // Act
    const restarted = await restart();
    const again = await restarted.delivery.pull('jobs', 'workers', pullAll);

    // Assess
    expect(again.map((delivery) => [delivery.body, delivery.deliveryAttempt])).toEqual([['nacked', 2]]);
  });

  it('delivers a message nacked while later ones are still leased, though the pulls had passed it', async () => {
    // Prepare
    await broker!.publisher.publish('jobs', [{ body: 1 }, { body: 2 }, { body: 3 }]);
    const [first] = await broker!.delivery.pull('jobs', 'workers', pullAll);

    // Act
    await broker!.delivery.nack('jobs', 'workers', [first!.ackId], 0);
    await broker!.publisher.publish('jobs', [{ body: 4 }]);
    const next = await broker!.delivery.pull('jobs', 'workers', pullAll);
    const stats = (await broker!.subscriptions.describe('jobs', 'workers')).stats;

    // Assess
    expect(next.map((delivery) => [delivery.body, delivery.deliveryAttempt])).toEqual([[1, 2], [4, 1]]);
    expect(stats).toMatchObject({ backlog: 0, inFlight: 4 });
  });

  it('keeps the leases of a subscription being deleted until its last chunk: no second consumer gets what the first holds', async () => {
    // Prepare: more rows than one chunk of a deletion (2,000), all leased
    const backend = createSqliteBackend({ dataDir: ':memory:', clock: systemClock });
    const inMemory = new Broker({ backend, clock: systemClock, logger: pino({ level: 'silent' }) });
    await inMemory.topics.create('big', { partitions: 1, retentionHours: TopicLimits.retentionHours.default, dedupWindowSeconds: 0 });
    await inMemory.subscriptions.create('big', 'workers', { ...putSubscriptionBody.parse({ ackDeadlineSeconds: 600 }), filter: null });
    const subscription = await inMemory.subscriptions.require('big', 'workers');
    for (let batch = 0; batch < 21; batch += 1) await inMemory.publisher.publish('big', Array.from({ length: 100 }, (_, index) => ({ body: batch * 100 + index })));
    const held = new Set<string>();
    for (let pull = 0; pull < 21; pull += 1) for (const delivery of await backend.queues.receive(subscription, { max: 100, waitMs: 0 })) held.add(delivery.id);

    // Act: a pull between the deletion's chunks
    const deleting = backend.metadata.deleteSubscription('big', 'workers');
    const between = await backend.queues.receive(subscription, { max: 100, waitMs: 0 });
    const deleted = await deleting;
    await inMemory.close();

    // Assess
    expect(held.size).toBe(2100);
    expect(deleted).toBe(true);
    expect(between).toEqual([]);
  });

  it('counts a leased message in flight only, even when the clock steps back before the time it came due', async () => {
    // Prepare
    const clock = new TestClock();
    clock.freeze();
    const stepped = new Broker({ backend: createSqliteBackend({ dataDir: ':memory:', clock }), clock, logger: pino({ level: 'silent' }) });
    await stepped.topics.create('jobs', { partitions: 1, retentionHours: TopicLimits.retentionHours.default, dedupWindowSeconds: 0 });
    await stepped.subscriptions.create('jobs', 'workers', { ...putSubscriptionBody.parse({ ackDeadlineSeconds: 600 }), filter: null });
    await stepped.publisher.publish('jobs', [{ body: 'early' }, { body: 'waiting' }]);
    clock.advance(10_000);
    await stepped.publisher.publish('jobs', [{ body: 'late' }]);
    const early = await stepped.delivery.pull('jobs', 'workers', { max: 1, waitMs: 0 });
    await stepped.delivery.pull('jobs', 'workers', { max: 1, waitMs: 0 }); // 'waiting'
    const late = await stepped.delivery.pull('jobs', 'workers', { max: 1, waitMs: 0 });
    await stepped.delivery.ack('jobs', 'workers', [early[0]!.ackId]);

    // Act: a step back of 5 s puts the time 'late' came due in the future
    clock.advance(-5_000);
    const stats = (await stepped.subscriptions.describe('jobs', 'workers')).stats;
    await stepped.close();

    // Assess
    expect(late.map((delivery) => delivery.body)).toEqual(['late']);
    expect(stats).toMatchObject({ backlog: 0, inFlight: 2, delayed: 0 });
  });
});
