import { LeaseTable } from '../../../../src/adapters/sqlite/LeaseTable.js';
import { RecentMessages } from '../../../../src/adapters/sqlite/RecentMessages.js';
import { QueueRows } from '../../../../src/adapters/sqlite/QueueRows.js';
import { SqliteMetadataStore } from '../../../../src/adapters/sqlite/SqliteMetadataStore.js';
import { SqliteStore } from '../../../../src/adapters/sqlite/SqliteStore.js';
import { SubscriptionUpdate } from '../../../../src/ports/MetadataStore.js';
import { subscriptionOf } from '../../../helpers/subscription.js';

const read = subscriptionOf();

async function storeWithSubscription(): Promise<SqliteMetadataStore> {
  const store = SqliteStore.open({ dataDir: ':memory:' });
  const metadata = new SqliteMetadataStore(store, new QueueRows(store, new LeaseTable()), new RecentMessages());
  await metadata.createTopic({ name: 'orders', partitions: 1, retentionHours: 24, dedupWindowSeconds: 60, createdAt: '2026-01-01T00:00:00.000Z' });
  await metadata.createSubscription(read);
  return metadata;
}

describe('Class: SqliteMetadataStore', () => {
  describe('Method: updateSubscription', () => {
    it('stores the change made on the settings stored', async () => {
      // Prepare
      const metadata = await storeWithSubscription();

      // Act
      const outcome = await metadata.updateSubscription(read, { ...read, maxDeliveries: 9, deadLetterAlarm: false });

      // Assess
      expect(outcome).toBe(SubscriptionUpdate.Updated);
      expect(await metadata.getSubscription('orders', 'billing')).toEqual({ ...read, maxDeliveries: 9, deadLetterAlarm: false });
    });

    it('answers Stale, storing nothing, when another change was stored since the read', async () => {
      // Prepare
      const metadata = await storeWithSubscription();
      await metadata.updateSubscription(read, { ...read, ackDeadlineSeconds: 60 });

      // Act: a change merged into the settings read before the other one
      const outcome = await metadata.updateSubscription(read, { ...read, maxDeliveries: 9 });

      // Assess
      expect(outcome).toBe(SubscriptionUpdate.Stale);
      expect(await metadata.getSubscription('orders', 'billing')).toEqual({ ...read, ackDeadlineSeconds: 60 });
    });

    it('answers Gone for a subscription deleted, or deleted and created again, since the read', async () => {
      // Prepare
      const metadata = await storeWithSubscription();
      await metadata.deleteSubscription('orders', 'billing');
      const gone = await metadata.updateSubscription(read, { ...read, maxDeliveries: 9 });
      await metadata.createSubscription({ ...read, createdAt: '2026-01-03T00:00:00.000Z' });

      // Act
      const recreated = await metadata.updateSubscription(read, { ...read, maxDeliveries: 9 });

      // Assess
      expect([gone, recreated]).toEqual([SubscriptionUpdate.Gone, SubscriptionUpdate.Gone]);
      expect(await metadata.getSubscription('orders', 'billing')).toMatchObject({ maxDeliveries: 5, createdAt: '2026-01-03T00:00:00.000Z' });
    });
  });
});
