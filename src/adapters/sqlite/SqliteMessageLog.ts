import { ResponseLimits } from '../../domain/constants.js';
import { TopicNotFoundError } from '../../domain/errors.js';
import { storedMessageBytes } from '../../domain/messageSize.js';
import { ResponseBudget } from '../../domain/ResponseBudget.js';
import type { Message, PartitionStats, Topic } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { LogEntry, MessageLog, PublishOutcome, ReadPage, ReadPosition } from '../../ports/MessageLog.js';
import type { DelayedRows } from './DelayedRows.js';
import type { QueuedRef, QueueRows } from './QueueRows.js';
import type { RecentMessage, RecentMessages } from './RecentMessages.js';
import type { WriteContext } from './GroupCommitWriter.js';
import { attributesColumn, toMessage, type LogRow } from './rows.js';
import type { SqliteDedupIndex } from './SqliteDedupIndex.js';
import type { SqliteFanOut } from './SqliteFanOut.js';
import type { SqliteStore } from './SqliteStore.js';

/** A row as appended, handed to fan-out in the same transaction (and kept among the recent messages when pulled soon). */
export interface AppendedRow extends QueuedRef {
  readonly offset: number;
  readonly entry: LogEntry;
  /** The body as stored. */
  readonly bodyText: string;
}

const TRIM_BATCH = 10_000;

/**
 * The ordered log in SQLite; a publish also stores its delayed entries, in the
 * same transaction. Offsets come from a per-partition counter updated in
 * the same transaction as the rows, so they are dense and in commit order; the
 * global `seq` orders everything for fan-out and time lookups. `publishedAt` never
 * goes backwards, even if the wall clock does, so time seeks stay monotonic.
 */
export class SqliteMessageLog implements MessageLog {
  private lastPublishedAt: number;

  public constructor(
    private readonly store: SqliteStore,
    private readonly dedup: SqliteDedupIndex,
    private readonly fanOut: SqliteFanOut,
    private readonly delayedRows: DelayedRows,
    private readonly queueRows: QueueRows,
    private readonly clock: Clock,
    private readonly recent: RecentMessages,
    /** Bytes of messages one read returns at most (ResponseBudget). */
    private readonly responseBytes: number = ResponseLimits.bytes.default,
  ) {
    const row = store.db.prepare('SELECT MAX(published_at) AS last FROM log').get() as { last: number | null };
    this.lastPublishedAt = row.last ?? 0;
  }

  public append(topic: Topic, entries: readonly LogEntry[]): Promise<PublishOutcome[]> {
    return this.store.writer.submit((context) => {
      const row = this.store.catalog.topic(topic.name);
      // Partitions were chosen for the topic the broker looked up; if it was deleted (and maybe re-created) since, refuse.
      if (row === undefined || row.created_at !== Date.parse(topic.createdAt)) throw new TopicNotFoundError(topic.name);
      return this.appendInTransaction(row.id, row.dedup_window_seconds, entries, context);
    });
  }

  /**
   * Publishes inside an open write job, entry by entry in request order: a client id
   * seen within the dedup window is answered from the dedup index; an entry due
   * later goes to the timers; the rest are appended and routed to subscriptions.
   */
  public appendInTransaction(topicId: number, dedupWindowSeconds: number, entries: readonly LogEntry[], context: WriteContext): PublishOutcome[] {
    const now = this.clock.now();
    const publishedAt = Math.max(now, this.lastPublishedAt);
    const expiresAt = now + dedupWindowSeconds * 1000;
    const nextOffsets = new Map<number, number>();
    const appended: AppendedRow[] = [];
    const insert = this.store.statement(
      'INSERT INTO log (topic_id, partition, offset, id, key, body, attributes, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const outcomes = entries.map((entry): PublishOutcome => {
      const remember = entry.clientId && dedupWindowSeconds > 0;
      if (remember) {
        const original = this.dedup.find(topicId, entry.id, now);
        if (original !== null) return original;
      }
      if (entry.dueAt !== undefined && entry.dueAt > now) {
        this.delayedRows.insert(topicId, entry, entry.dueAt, now);
        if (remember) this.dedup.rememberScheduled(topicId, entry.id, expiresAt, entry.dueAt);
        return { id: entry.id, scheduledFor: entry.dueAt, duplicate: false };
      }
      const offset = nextOffsets.get(entry.partition) ?? this.nextOffset(topicId, entry.partition);
      nextOffsets.set(entry.partition, offset + 1);
      const body = entry.bodyText ?? JSON.stringify(entry.body);
      const { lastInsertRowid } = insert.run(topicId, entry.partition, offset, entry.id, entry.key, body, attributesColumn(entry.attributes), publishedAt);
      const seq = Number(lastInsertRowid);
      if (remember) this.dedup.rememberAppended(topicId, entry.id, expiresAt, entry.partition, offset);
      appended.push({ seq, key: entry.key, offset, entry, bodyText: body });
      return { id: entry.id, partition: entry.partition, offset, duplicate: false };
    });
    const update = this.store.statement('UPDATE partitions SET next_offset = ? WHERE topic_id = ? AND partition = ?');
    for (const [partition, next] of nextOffsets) update.run(next, topicId, partition);
    if (appended.length > 0) {
      this.lastPublishedAt = publishedAt;
      // Kept for the pulls only when some subscription's pulls are about to reach them: a backlog is read in its turn.
      if (this.fanOut.route(topicId, appended, context).pulledSoon) this.keepRecent(appended, new Date(publishedAt).toISOString(), context);
    }
    return outcomes;
  }

  /** Keeps what this job appended among the recent messages; forgotten if the job rolls back. */
  private keepRecent(appended: readonly AppendedRow[], publishedAt: string, context: WriteContext): void {
    for (const { seq, offset, entry, bodyText } of appended) {
      const message: RecentMessage = { id: entry.id, partition: entry.partition, offset, key: entry.key, body: entry.body, attributes: entry.attributes, publishedAt, bytes: storedMessageBytes(entry, bodyText) };
      this.recent.add(seq, message);
    }
    context.onRollback(() => appended.forEach(({ seq }) => this.recent.forget(seq)));
  }

  public async read(topic: Topic, partition: number, from: ReadPosition, limit: number): Promise<ReadPage> {
    return this.store.read(() => {
      const topicId = this.store.topicId(topic.name);
      const [stats] = this.partitionStats(topicId, partition);
      const head = stats?.nextOffset ?? 0;
      const oldest = stats?.oldestOffset ?? 0;
      const start = Math.min(head, Math.max(oldest, this.startOffset(topicId, partition, from, head)));
      const rows = this.store
        .statement('SELECT l.*, ? AS topic FROM log l WHERE topic_id = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?')
        .iterate(topic.name, topicId, partition, start, limit) as IterableIterator<LogRow>;
      // Row by row, so a read of large messages stops at the budget instead of loading `limit` of them first.
      const budget = new ResponseBudget(this.responseBytes);
      const messages: Message[] = [];
      for (const row of rows) {
        const message = toMessage(row);
        if (!budget.admit(storedMessageBytes(message, row.body))) break;
        messages.push(message);
      }
      const last = messages.at(-1);
      return { messages, nextOffset: last === undefined ? start : last.offset + 1 };
    });
  }

  public async stats(topic: Topic): Promise<PartitionStats[]> {
    return this.store.read(() => {
      const topicId = this.store.topicId(topic.name);
      return this.partitionStats(topicId);
    });
  }

  public async trimExpired(now: number): Promise<number> {
    const topics = this.store.read(() => this.store.statement('SELECT id, retention_hours FROM topics').all() as Array<{ id: number; retention_hours: number }>);
    let trimmed = 0;
    for (const topic of topics) {
      const cutoff = now - topic.retention_hours * 3_600_000;
      for (;;) {
        const deleted = await this.store.writer.submit((context) => this.trimBatch(topic.id, cutoff, context));
        trimmed += deleted;
        if (deleted < TRIM_BATCH) break;
      }
    }
    while ((await this.store.writer.submit(() => this.dedup.purgeExpired(now, TRIM_BATCH))) === TRIM_BATCH);
    return trimmed;
  }

  /** Deletes the oldest expired rows of one topic and the queue entries that point at them. */
  private trimBatch(topicId: number, cutoff: number, context: WriteContext): number {
    const last = this.store
      .statement('SELECT MAX(seq) AS seq FROM (SELECT seq FROM log WHERE topic_id = ? AND published_at < ? ORDER BY published_at LIMIT ?)')
      .get(topicId, cutoff, TRIM_BATCH) as { seq: number | null };
    if (last.seq === null) return 0;
    this.recent.clear();
    const now = this.clock.now();
    for (const { id } of this.store.catalog.subscriptionsOf(topicId)) {
      this.fanOut.readied(id, this.queueRows.dropUpTo(id, last.seq, now, context), context);
    }
    return this.store.statement('DELETE FROM log WHERE topic_id = ? AND seq <= ?').run(topicId, last.seq).changes;
  }

  private nextOffset(topicId: number, partition: number): number {
    const row = this.store.statement('SELECT next_offset FROM partitions WHERE topic_id = ? AND partition = ?').get(topicId, partition) as
      | { next_offset: number }
      | undefined;
    return row?.next_offset ?? 0;
  }

  private startOffset(topicId: number, partition: number, from: ReadPosition, head: number): number {
    if ('offset' in from) return from.offset;
    if ('oldest' in from) return 0;
    const row = this.store
      .statement('SELECT offset FROM log WHERE topic_id = ? AND published_at >= ? AND partition = ? ORDER BY published_at, seq LIMIT 1')
      .get(topicId, from.time, partition) as { offset: number } | undefined;
    return row?.offset ?? head;
  }

  private partitionStats(topicId: number, only?: number): PartitionStats[] {
    const rows = this.store
      .statement(
        `SELECT p.partition, p.next_offset,
                (SELECT MIN(offset) FROM log WHERE topic_id = p.topic_id AND partition = p.partition) AS oldest
         FROM partitions p WHERE p.topic_id = ? AND (? IS NULL OR p.partition = ?) ORDER BY p.partition`,
      )
      .all(topicId, only ?? null, only ?? null) as Array<{ partition: number; next_offset: number; oldest: number | null }>;
    return rows.map((row) => ({ partition: row.partition, oldestOffset: row.oldest ?? row.next_offset, nextOffset: row.next_offset }));
  }
}
