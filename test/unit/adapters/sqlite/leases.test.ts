import { pino } from 'pino';
import { createSqliteBackend } from '../../../../src/adapters/sqlite/createSqliteBackend.js';
import { Broker } from '../../../../src/broker/Broker.js';
import { AckFailure, TopicLimits } from '../../../../src/domain/constants.js';
import { putSubscriptionBody } from '../../../../src/http/schemas/subscriptions.js';
import { systemClock } from '../../../../src/ports/Clock.js';
import { makeDataDir, removeDataDir } from '../../../helpers/dataDir.js';

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
});
