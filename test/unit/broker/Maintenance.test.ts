import { pino } from 'pino';
import { createSqliteBackend } from '../../../src/adapters/sqlite/createSqliteBackend.js';
import { Broker } from '../../../src/broker/Broker.js';
import type { Backend } from '../../../src/ports/Backend.js';
import { TestClock } from '../../helpers/TestClock.js';

const logger = pino({ level: 'silent' });

/** A real in-memory backend whose delayed-message timers always fail. */
function backendWithBrokenTimers(clock: TestClock): Backend {
  const backend = createSqliteBackend({ dataDir: ':memory:', clock });
  const { delayed } = backend;
  return {
    ...backend,
    delayed: {
      releaseDue: () => Promise.reject(new Error('disk on fire')),
      nextDueAt: () => Promise.resolve(null),
      list: (topic, cursor, limit) => delayed.list(topic, cursor, limit),
      count: (topic) => delayed.count(topic),
      cancel: (topic, id) => delayed.cancel(topic, id),
    },
  };
}

describe('Class: Maintenance', () => {
  describe('Method: runOnce', () => {
    it('still expires leases and fires schedules when releasing delayed messages fails', async () => {
      // Prepare
      const clock = new TestClock();
      const broker = new Broker({ backend: backendWithBrokenTimers(clock), clock, logger });
      await broker.topics.create('jobs', { partitions: 1, retentionHours: 1, dedupWindowSeconds: 60 });
      await broker.subscriptions.create('jobs', 'workers', {
        filter: null,
        ackDeadlineSeconds: 1,
        maxDeliveries: 1,
        retryBackoff: { minSeconds: 0, maxSeconds: 0 },
        ordered: false,
        startFrom: 'latest',
        deadLetterAlarm: true,
      });
      await broker.publisher.publish('jobs', [{ body: 'work' }]);
      await broker.delivery.pull('jobs', 'workers', { max: 1, waitMs: 0 });
      await broker.schedules.put('tick', { topic: 'jobs', cron: '* * * * *', timezone: 'UTC', message: { body: 'tick' } });
      clock.advance(61_000);

      // Act
      const report = await broker.maintenance.runOnce();

      // Assess
      expect(report).toEqual({ released: 0, expired: 1, fired: 1, trimmed: 0, failed: ['releaseDelayed'] });
      expect((await broker.delivery.deadLetters('jobs', 'workers', 10)).map((letter) => letter.body)).toEqual(['work']);
      await broker.close();
    });
  });
});
