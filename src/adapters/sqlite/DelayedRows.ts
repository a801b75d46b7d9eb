import type { LogEntry } from '../../ports/MessageLog.js';
import { attributesColumn } from './rows.js';
import type { SqliteStore } from './SqliteStore.js';

/** Stores a delayed entry inside a publish job; SqliteDelayedMessages releases it when due. */
export class DelayedRows {
  public constructor(private readonly store: SqliteStore) {}

  public insert(topicId: number, entry: LogEntry, dueAt: number, publishedAt: number): void {
    this.store
      .statement('INSERT INTO delayed (topic_id, due_at, partition, id, client_id, key, body, attributes, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(topicId, dueAt, entry.partition, entry.id, entry.clientId ? 1 : 0, entry.key, JSON.stringify(entry.body), attributesColumn(entry.attributes), publishedAt);
  }
}
