import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { createSqliteBackend } from '../../../../src/adapters/sqlite/createSqliteBackend.js';
import { Broker } from '../../../../src/broker/Broker.js';
import { ResponseLimits, TopicLimits } from '../../../../src/domain/constants.js';
import { putSubscriptionBody } from '../../../../src/http/schemas/subscriptions.js';
import { systemClock } from '../../../../src/ports/Clock.js';
import { TestClock } from '../../../helpers/TestClock.js';

/** The smallest budget an operator can set: two messages of 200 KiB fit, a third does not. */
const BUDGET = ResponseLimits.bytes.min;
const large = (label: string) => ({ body: { label, pad: 'x'.repeat(200 * 1024) } });

describe('Class: SqliteSubscriptionQueues', () => {
  describe('Method: receive (byte budget)', () => {
    let broker: Broker;

    beforeEach(async () => {
      broker = new Broker({ backend: createSqliteBackend({ dataDir: ':memory:', clock: systemClock, responseBytes: BUDGET }), clock: systemClock, logger: pino({ level: 'silent' }) });
      await broker.topics.create('jobs', { partitions: 1, retentionHours: TopicLimits.retentionHours.default, dedupWindowSeconds: 0 });
      await broker.subscriptions.create('jobs', 'workers', { ...putSubscriptionBody.parse({}), filter: null });
    });

    afterEach(async () => {
      await broker.close();
    });

    it('hands what a waiting pull could not hold within the budget to the next waiting pull, in the same commit', async () => {
      // Prepare: two long-polls waiting on an empty subscription; the second can be ended from here
      const ending = new AbortController();
      const first = broker.delivery.pull('jobs', 'workers', { max: 100, waitMs: 20_000 });
      const second = broker.delivery.pull('jobs', 'workers', { max: 100, waitMs: 20_000 }, ending.signal);
      await sleep(50);

      // Act: one publish makes more ready than one pull's budget holds
      await broker.publisher.publish('jobs', ['j1', 'j2', 'j3', 'j4', 'j5'].map(large));
      const firstAnswer = await first;
      await new Promise((resolve) => setImmediate(resolve));
      ending.abort(); // a pull still waiting now, rather than answered with the first, ends empty
      const secondAnswer = await second;

      // Assess
      expect([firstAnswer.length, secondAnswer.length]).toEqual([2, 2]);
      expect(new Set([...firstAnswer, ...secondAnswer].map((delivery) => delivery.id)).size).toBe(4);
    });

    it('leaves what does not fit ready, its delivery attempt untouched', async () => {
      // Prepare
      await broker.publisher.publish('jobs', ['j1', 'j2', 'j3'].map(large));

      // Act
      const taken = await broker.delivery.pull('jobs', 'workers', { max: 100, waitMs: 0 });
      const stats = (await broker.subscriptions.describe('jobs', 'workers')).stats;
      const rest = await broker.delivery.pull('jobs', 'workers', { max: 100, waitMs: 0 });

      // Assess
      expect(taken).toHaveLength(2);
      expect(stats).toMatchObject({ backlog: 1, inFlight: 2 });
      expect(rest.map((delivery) => delivery.deliveryAttempt)).toEqual([1]);
    });
  });

  describe('Method: receive, while retention trims (SqliteMessageLog.trimExpired)', () => {
    const clock = new TestClock();
    let broker: Broker;

    beforeEach(() => {
      broker = new Broker({ backend: createSqliteBackend({ dataDir: ':memory:', clock }), clock, logger: pino({ level: 'silent' }) });
    });

    afterEach(async () => {
      await broker.close();
    });

    it('hands a waiting pull the next message of a key when retention trims the message that held it back', async () => {
      // Prepare: an ordered subscription; A1 is leased and expires an hour later, A2 waits behind it, a pull waits for work
      await broker.topics.create('jobs', { partitions: 1, retentionHours: 1, dedupWindowSeconds: 0 });
      await broker.subscriptions.create('jobs', 'in-order', { ...putSubscriptionBody.parse({ ordered: true, ackDeadlineSeconds: 43_200 }), filter: null });
      await broker.publisher.publish('jobs', [{ key: 'A', body: 'A1' }]);
      const [first] = await broker.delivery.pull('jobs', 'in-order', { max: 10, waitMs: 0 });
      clock.advance(30 * 60_000);
      await broker.publisher.publish('jobs', [{ key: 'A', body: 'A2' }]);
      const waiting = broker.delivery.pull('jobs', 'in-order', { max: 10, waitMs: 5_000 });
      await sleep(20);
      expect(await Promise.race([waiting, sleep(50).then(() => 'still waiting' as const)])).toBe('still waiting');

      // Act: A1 passes the topic's retention, A2 does not
      clock.advance(31 * 60_000);
      const trimmed = await broker.maintenance.runOnce();

      // Assess: the waiting pull is answered with A2 at once, not when its wait ends
      const answer = await Promise.race([waiting, sleep(1_000).then(() => 'still waiting' as const)]);
      expect(first?.body).toBe('A1');
      expect(trimmed.trimmed).toBe(1);
      expect(answer === 'still waiting' ? answer : answer.map((delivery) => delivery.body)).toEqual(['A2']);
    });
  });
});
