import { LeaseTable } from '../../../../src/adapters/sqlite/LeaseTable.js';
import { RecentMessages } from '../../../../src/adapters/sqlite/RecentMessages.js';
import { QueueRows } from '../../../../src/adapters/sqlite/QueueRows.js';
import { SqliteMetadataStore } from '../../../../src/adapters/sqlite/SqliteMetadataStore.js';
import { SqliteStore } from '../../../../src/adapters/sqlite/SqliteStore.js';

const CHUNK = 10;

function storeWithTopic(messages: number): { store: SqliteStore; metadata: SqliteMetadataStore } {
  const store = SqliteStore.open({ dataDir: ':memory:' });
  const metadata = new SqliteMetadataStore(store, new QueueRows(store, new LeaseTable()), new RecentMessages(), CHUNK);
  const { db } = store;
  db.prepare(`INSERT INTO topics (name, partitions, retention_hours, dedup_window_seconds, created_at) VALUES ('orders', 1, 24, 60, 0)`).run();
  db.prepare(`INSERT INTO topics (name, partitions, retention_hours, dedup_window_seconds, created_at) VALUES ('other', 1, 24, 60, 0)`).run();
  const subscription = db.prepare(
    `INSERT INTO subscriptions (topic_id, name, filter, ack_deadline_seconds, max_deliveries, backoff_min_seconds, backoff_max_seconds, ordered, start_from, created_at)
     VALUES (?, ?, NULL, 30, 5, 1, 60, 0, 'latest', 0)`,
  );
  const insertLog = db.prepare(`INSERT INTO log (topic_id, partition, offset, id, key, body, attributes, published_at) VALUES (?, 0, ?, ?, NULL, '{}', NULL, ?)`);
  const insertDelivery = db.prepare('INSERT INTO deliveries (sub_id, seq, state, due_at) VALUES (?, ?, 0, 0)');
  for (const [topicId, count] of [[1, messages], [2, 3]] as const) {
    const subIds = ['a', 'b'].map((name) => Number(subscription.run(topicId, name).lastInsertRowid));
    for (let offset = 0; offset < count; offset += 1) {
      const seq = insertLog.run(topicId, offset, `m-${topicId}-${offset}`, offset).lastInsertRowid;
      for (const subId of subIds) insertDelivery.run(subId, seq);
    }
  }
  return { store, metadata };
}

const count = (store: SqliteStore, sql: string): number => (store.db.prepare(sql).get() as { n: number }).n;

describe('Class: SqliteMetadataStore (deleting in chunks)', () => {
  it('deletes a topic larger than a chunk over several transactions, leaving other topics whole', async () => {
    // Prepare: 35 messages, each queued in two subscriptions: 105 rows, more than ten chunks
    const { store, metadata } = storeWithTopic(35);
    const batchesBefore = store.writer.stats.batches;

    // Act
    const deleted = await metadata.deleteTopic('orders');

    // Assess
    expect(deleted).toBe(true);
    expect(store.writer.stats.batches - batchesBefore).toBeGreaterThanOrEqual(105 / CHUNK);
    expect(count(store, 'SELECT COUNT(*) AS n FROM topics')).toBe(1);
    expect(count(store, 'SELECT COUNT(*) AS n FROM log WHERE topic_id = 1')).toBe(0);
    expect(count(store, 'SELECT COUNT(*) AS n FROM deliveries')).toBe(6);
    expect(count(store, 'SELECT COUNT(*) AS n FROM log')).toBe(3);
  });

  it('empties a subscription in chunks before deleting it, leaving its sibling whole', async () => {
    // Prepare
    const { store, metadata } = storeWithTopic(25);

    // Act
    const deleted = await metadata.deleteSubscription('orders', 'a');

    // Assess
    expect(deleted).toBe(true);
    expect(count(store, `SELECT COUNT(*) AS n FROM subscriptions WHERE topic_id = 1`)).toBe(1);
    expect(count(store, `SELECT COUNT(*) AS n FROM deliveries d JOIN subscriptions s ON s.id = d.sub_id WHERE s.topic_id = 1`)).toBe(25);
    expect(count(store, 'SELECT COUNT(*) AS n FROM log')).toBe(28);
  });

  it('answers false for a topic that does not exist, and changes nothing', async () => {
    // Prepare
    const { store, metadata } = storeWithTopic(5);

    // Act
    const deleted = await metadata.deleteTopic('missing');

    // Assess
    expect(deleted).toBe(false);
    expect(count(store, 'SELECT COUNT(*) AS n FROM log')).toBe(8);
  });
});
