/**
 * The embedded store's schema. Times are epoch milliseconds. `log.seq` is the
 * global commit order; partitions' offsets are dense per (topic, partition).
 * A subscription's queue holds references (`seq`) into the log, never copies.
 */
export const SCHEMA_VERSION = 4;

/**
 * What turns a database written by an earlier version into the current schema:
 * each step runs when the database's `user_version` is below its `version`.
 * SCHEMA alone creates the current tables in a new database; its `IF NOT EXISTS`
 * leaves an existing table as it was.
 */
export const MIGRATIONS: ReadonlyArray<{ readonly version: number; readonly sql: string }> = [
  // Subscriptions created before the setting existed keep their default: an alarm (AWS only).
  { version: 2, sql: 'ALTER TABLE subscriptions ADD COLUMN dead_letter_alarm INTEGER NOT NULL DEFAULT 1' },
  // Delayed messages stored before it was kept have no publish time: listings show null.
  { version: 3, sql: 'ALTER TABLE delayed ADD COLUMN published_at INTEGER' },
  // Leases are kept in memory now: a row leased by an earlier version is ready again, from when its lease ends.
  { version: 4, sql: 'UPDATE deliveries SET state = 0 WHERE state = 1' },
];

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS topics (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  partitions INTEGER NOT NULL,
  retention_hours INTEGER NOT NULL,
  dedup_window_seconds INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS partitions (
  topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
  partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (topic_id, partition)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS log (
  seq INTEGER PRIMARY KEY,
  topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
  partition INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  id TEXT NOT NULL,
  key TEXT,
  body TEXT NOT NULL,
  attributes TEXT,
  published_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS log_position ON log(topic_id, partition, offset);
CREATE INDEX IF NOT EXISTS log_time ON log(topic_id, published_at);

CREATE TABLE IF NOT EXISTS dedup (
  topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  partition INTEGER,
  offset INTEGER,
  scheduled_for INTEGER,
  PRIMARY KEY (topic_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_expiry ON dedup(expires_at);

CREATE TABLE IF NOT EXISTS delayed (
  seq INTEGER PRIMARY KEY,
  topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
  due_at INTEGER NOT NULL,
  partition INTEGER NOT NULL,
  id TEXT NOT NULL,
  client_id INTEGER NOT NULL,
  key TEXT,
  body TEXT NOT NULL,
  attributes TEXT,
  published_at INTEGER
);
CREATE INDEX IF NOT EXISTS delayed_due ON delayed(due_at);
-- A topic's delayed messages in due order (listing, counting), and by id (cancel).
CREATE INDEX IF NOT EXISTS delayed_topic ON delayed(topic_id, due_at, seq);
CREATE INDEX IF NOT EXISTS delayed_id ON delayed(topic_id, id);

CREATE TABLE IF NOT EXISTS subscriptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  filter TEXT,
  ack_deadline_seconds INTEGER NOT NULL,
  max_deliveries INTEGER NOT NULL,
  backoff_min_seconds INTEGER NOT NULL,
  backoff_max_seconds INTEGER NOT NULL,
  ordered INTEGER NOT NULL,
  start_from TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  dead_letter_alarm INTEGER NOT NULL DEFAULT 1,
  UNIQUE (topic_id, name)
);

-- state: 0 ready (deliverable from due_at; leased or not: leases are kept in memory),
-- 2 blocked (ordered: waits for an earlier message of its key), 3 dead. (1, leased until
-- due_at, was written by schema versions up to 3.) attempts counts failed deliveries; token is unused.
CREATE TABLE IF NOT EXISTS deliveries (
  sub_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  state INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  token INTEGER NOT NULL DEFAULT 0,
  order_key TEXT,
  dead_at INTEGER,
  last_error TEXT,
  PRIMARY KEY (sub_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(sub_id, state, due_at, seq);
-- Ordered subscriptions only: finds a key's head. Queries repeat the WHERE so SQLite can use it.
CREATE INDEX IF NOT EXISTS deliveries_key ON deliveries(sub_id, order_key, state, seq) WHERE order_key IS NOT NULL;

CREATE TABLE IF NOT EXISTS group_offsets (
  topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  partition INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  PRIMARY KEY (topic_id, name, partition)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS schedules (
  name TEXT PRIMARY KEY,
  topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  next_fire_at INTEGER,
  last_fired_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS schedules_due ON schedules(next_fire_at);
`;
