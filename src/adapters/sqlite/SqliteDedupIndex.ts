import type { PublishOutcome } from '../../ports/MessageLog.js';
import type { SqliteStore } from './SqliteStore.js';

interface DedupRow {
  partition: number | null;
  offset: number | null;
  scheduled_for: number | null;
}

/**
 * Remembers client-supplied message ids per topic for the topic's dedup window.
 * Used inside the log's and the timers' write jobs, so the check and the append
 * commit together. Generated ids are unique by construction and never stored.
 */
export class SqliteDedupIndex {
  public constructor(private readonly store: SqliteStore) {}

  /** The original's outcome if `id` was published within the window, else null. */
  public find(topicId: number, id: string, now: number): PublishOutcome | null {
    const row = this.store
      .statement('SELECT partition, offset, scheduled_for FROM dedup WHERE topic_id = ? AND id = ? AND expires_at > ?')
      .get(topicId, id, now) as DedupRow | undefined;
    if (row === undefined) return null;
    if (row.partition !== null && row.offset !== null) return { id, partition: row.partition, offset: row.offset, duplicate: true };
    return { id, scheduledFor: row.scheduled_for ?? now, duplicate: true };
  }

  public rememberAppended(topicId: number, id: string, expiresAt: number, partition: number, offset: number): void {
    this.store
      .statement('INSERT OR REPLACE INTO dedup (topic_id, id, expires_at, partition, offset, scheduled_for) VALUES (?, ?, ?, ?, ?, NULL)')
      .run(topicId, id, expiresAt, partition, offset);
  }

  public rememberScheduled(topicId: number, id: string, expiresAt: number, scheduledFor: number): void {
    this.store
      .statement('INSERT OR REPLACE INTO dedup (topic_id, id, expires_at, partition, offset, scheduled_for) VALUES (?, ?, ?, NULL, NULL, ?)')
      .run(topicId, id, expiresAt, scheduledFor);
  }

  /** A delayed message entered the log: duplicates now point at its position. */
  public markAppended(topicId: number, id: string, partition: number, offset: number): void {
    this.store.statement('UPDATE dedup SET partition = ?, offset = ? WHERE topic_id = ? AND id = ?').run(partition, offset, topicId, id);
  }

  public purgeExpired(now: number, limit: number): number {
    return this.store.statement('DELETE FROM dedup WHERE (topic_id, id) IN (SELECT topic_id, id FROM dedup WHERE expires_at <= ? LIMIT ?)').run(now, limit).changes;
  }
}
