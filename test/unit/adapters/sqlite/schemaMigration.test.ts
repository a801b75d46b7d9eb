import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createSqliteBackend } from '../../../../src/adapters/sqlite/createSqliteBackend.js';
import { SCHEMA_VERSION } from '../../../../src/adapters/sqlite/schema.js';
import type { Backend } from '../../../../src/ports/Backend.js';
import type { Subscription } from '../../../../src/domain/types.js';
import { makeDataDir, removeDataDir } from '../../../helpers/dataDir.js';
import { TestClock } from '../../../helpers/TestClock.js';
import { subscriptionOf } from '../../../helpers/subscription.js';

const subscription = (name: string, overrides: Partial<Subscription> = {}): Subscription => subscriptionOf({ name, ...overrides });

/** Turns the database back into what schema version 2 was: delayed messages without `published_at`. */
function downgradeToVersion2(dataDir: string): void {
  const db = new BetterSqlite3(join(dataDir, 'conveyor.db'));
  db.exec('DROP INDEX delayed_topic; DROP INDEX delayed_id; ALTER TABLE delayed DROP COLUMN published_at');
  db.pragma('user_version = 2');
  db.close();
}

/** Turns the database back into what the first release wrote: schema version 1, subscriptions without `dead_letter_alarm`. */
function downgradeToVersion1(dataDir: string): void {
  downgradeToVersion2(dataDir);
  const db = new BetterSqlite3(join(dataDir, 'conveyor.db'));
  db.exec('ALTER TABLE subscriptions DROP COLUMN dead_letter_alarm');
  db.pragma('user_version = 1');
  db.close();
}

const userVersion = (dataDir: string): number => {
  const db = new BetterSqlite3(join(dataDir, 'conveyor.db'), { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe('Class: SqliteStore', () => {
  let dataDir: string;
  let backend: Backend | undefined;
  const open = (): Backend => (backend = createSqliteBackend({ dataDir, clock: new TestClock() }));

  beforeEach(() => {
    dataDir = makeDataDir('migration');
  });
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
    removeDataDir(dataDir);
  });

  describe('Method: open', () => {
    it('opens a database written by schema version 1 and gives its subscriptions deadLetterAlarm true', async () => {
      // Prepare
      const first = open();
      await first.metadata.createTopic({ name: 'orders', partitions: 1, retentionHours: 24, dedupWindowSeconds: 60, createdAt: '2026-01-01T00:00:00.000Z' });
      await first.metadata.createSubscription(subscription('billing'));
      await first.close();
      downgradeToVersion1(dataDir);

      // Act
      const reopened = open();

      // Assess
      expect(await reopened.metadata.getSubscription('orders', 'billing')).toEqual(subscription('billing', { deadLetterAlarm: true }));
      await reopened.metadata.createSubscription(subscription('quiet', { deadLetterAlarm: false }));
      expect((await reopened.metadata.getSubscription('orders', 'quiet'))?.deadLetterAlarm).toBe(false);
      await reopened.close();
      backend = undefined;
      expect(userVersion(dataDir)).toBe(SCHEMA_VERSION);
    });

    it('opens a database written by schema version 2 and lists its delayed messages with publishedAt null', async () => {
      // Prepare
      const first = open();
      const topic = { name: 'orders', partitions: 1, retentionHours: 24, dedupWindowSeconds: 60, createdAt: '2026-01-01T00:00:00.000Z' };
      await first.metadata.createTopic(topic);
      const dueAt = Date.parse('2099-01-01T00:00:00.000Z');
      await first.log.append(topic, [{ id: 'old-reminder', partition: 0, key: null, body: 'later', attributes: {}, clientId: false, dueAt }]);
      await first.close();
      downgradeToVersion2(dataDir);

      // Act
      const reopened = open();

      // Assess
      expect(await reopened.delayed.list(topic, null, 10)).toEqual({
        messages: [{ id: 'old-reminder', topic: 'orders', partition: 0, key: null, body: 'later', attributes: {}, deliverAt: '2099-01-01T00:00:00.000Z', publishedAt: null }],
        nextCursor: null,
      });
      expect(await reopened.delayed.cancel(topic, 'old-reminder')).toBe(1);
    });

    it('opens a database written by schema version 3 and delivers what it had leased once the lease has ended, counting that delivery', async () => {
      // Prepare: version 3 wrote a lease into the row (state 1, due when the lease ends)
      const first = open();
      await first.metadata.createTopic({ name: 'orders', partitions: 1, retentionHours: 24, dedupWindowSeconds: 60, createdAt: '2026-01-01T00:00:00.000Z' });
      const billing = subscription('billing');
      await first.metadata.createSubscription(billing);
      const topic = (await first.metadata.getTopic('orders'))!;
      await first.log.append(topic, [{ id: 'order-1', partition: 0, key: null, body: { total: 7 }, attributes: {}, clientId: true }]);
      await first.close();
      const db = new BetterSqlite3(join(dataDir, 'conveyor.db'));
      db.prepare('UPDATE deliveries SET state = 1, attempts = 1, token = 12345, due_at = ?').run(Date.now() - 1000);
      db.pragma('user_version = 3');
      db.close();

      // Act
      const reopened = open();
      const deliveries = await reopened.queues.receive(billing, { max: 10, waitMs: 0 });

      // Assess
      expect(deliveries.map((delivery) => [delivery.id, delivery.deliveryAttempt])).toEqual([['order-1', 2]]);
      await reopened.close();
      backend = undefined;
      expect(userVersion(dataDir)).toBe(SCHEMA_VERSION);
    });

    it('keeps deadLetterAlarm false across a restart', async () => {
      // Prepare
      const first = open();
      await first.metadata.createTopic({ name: 'orders', partitions: 1, retentionHours: 24, dedupWindowSeconds: 60, createdAt: '2026-01-01T00:00:00.000Z' });
      await first.metadata.createSubscription(subscription('quiet', { deadLetterAlarm: false }));
      await first.close();

      // Act
      const reopened = open();

      // Assess
      expect((await reopened.metadata.getSubscription('orders', 'quiet'))?.deadLetterAlarm).toBe(false);
    });

    it('refuses a database written by a newer schema version instead of misreading it', async () => {
      // Prepare
      await open().close();
      const db = new BetterSqlite3(join(dataDir, 'conveyor.db'));
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      backend = undefined;

      // Act
      const opening = (): Backend => createSqliteBackend({ dataDir, clock: new TestClock() });

      // Assess
      expect(opening).toThrow(`schema version ${SCHEMA_VERSION + 1}, newer than this version of Conveyor knows (${SCHEMA_VERSION})`);
    });
  });
});
