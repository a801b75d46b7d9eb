import { ResponseLimits } from '../../domain/constants.js';
import { decodeCursor, encodeCursor, topicScope } from '../../domain/cursor.js';
import { storedMessageBytes } from '../../domain/messageSize.js';
import { ResponseBudget } from '../../domain/ResponseBudget.js';
import type { DelayedMessage, DelayedPage, Topic } from '../../domain/types.js';
import type { DelayedMessages } from '../../ports/DelayedMessages.js';
import type { LogEntry } from '../../ports/MessageLog.js';
import type { WriteContext } from './GroupCommitWriter.js';
import { toContent } from './rows.js';
import type { SqliteDedupIndex } from './SqliteDedupIndex.js';
import type { SqliteMessageLog } from './SqliteMessageLog.js';
import type { SqliteStore } from './SqliteStore.js';

interface DelayedRow {
  seq: number;
  topic_id: number;
  partition: number;
  id: string;
  client_id: number;
  key: string | null;
  body: string;
  attributes: string | null;
}

interface ListedRow extends DelayedRow {
  due_at: number;
  published_at: number | null;
}

/** Where a listing continues: the due time and sequence of the last message it returned. */
type Position = readonly [dueAt: number, seq: number];

const isPosition = (value: unknown): value is Position =>
  Array.isArray(value) && value.length === 2 && value.every((part) => Number.isSafeInteger(part) && (part as number) >= 0);

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

const RELEASE_BATCH = 1000;
const SET_ASIDE_MS = 60_000;

/**
 * Delayed messages wait in a table indexed by due time. A release moves due rows
 * into the log in one transaction (delete + append + fan-out), so a message is
 * never both waiting and appended, nor lost between the two. A cancel deletes
 * rows in a write job of its own: jobs run one at a time, so a cancel either
 * finds the row (and the release never sees it) or finds it released.
 */
export class SqliteDelayedMessages implements DelayedMessages {
  public constructor(
    private readonly store: SqliteStore,
    private readonly dedup: SqliteDedupIndex,
    private readonly log: SqliteMessageLog,
    /** Bytes of messages one listing returns at most (ResponseBudget). */
    private readonly responseBytes: number = ResponseLimits.bytes.default,
  ) {}

  /** A range of the (topic, due time, seq) index, row by row, so a page of large messages stops at the budget. */
  public async list(topic: Topic, cursor: string | null, limit: number): Promise<DelayedPage> {
    const [dueAt, seq] = cursor === null ? [-1, -1] : decodeCursor(cursor, topicScope(topic), (value) => (isPosition(value) ? value : null));
    return this.store.read(() => {
      const topicId = this.store.topicId(topic.name);
      const rows = this.store
        .statement(
          `SELECT seq, topic_id, partition, id, client_id, key, body, attributes, due_at, published_at FROM delayed
           WHERE topic_id = ? AND (due_at > ? OR (due_at = ? AND seq > ?)) ORDER BY due_at, seq LIMIT ?`,
        )
        .iterate(topicId, dueAt, dueAt, seq, limit + 1) as IterableIterator<ListedRow>;
      const budget = new ResponseBudget(this.responseBytes);
      const messages: DelayedMessage[] = [];
      let last: Position | null = null;
      let more = false;
      for (const row of rows) {
        const message = toDelayedMessage(topic.name, row);
        if (messages.length === limit || !budget.admit(storedMessageBytes(message, row.body))) {
          more = true;
          break;
        }
        messages.push(message);
        last = [row.due_at, row.seq];
      }
      return { messages, nextCursor: more && last !== null ? encodeCursor(topicScope(topic), last) : null };
    });
  }

  public async count(topic: Topic): Promise<number> {
    return this.store.read(() => {
      const topicId = this.store.topicId(topic.name);
      return (this.store.statement('SELECT COUNT(*) AS waiting FROM delayed WHERE topic_id = ?').get(topicId) as { waiting: number }).waiting;
    });
  }

  /** The id's dedup entry stays: a retried publish of a cancelled message is still a duplicate, and does not bring it back. */
  public cancel(topic: Topic, id: string): Promise<number> {
    return this.store.writer.submit(() => {
      const topicId = this.store.topicId(topic.name);
      return this.store.statement('DELETE FROM delayed WHERE topic_id = ? AND id = ?').run(topicId, id).changes;
    });
  }

  public async releaseDue(now: number): Promise<number> {
    let released = 0;
    for (;;) {
      let batch: number;
      try {
        batch = await this.store.writer.submit((context) => this.release(this.dueRows(now, RELEASE_BATCH, null), context));
      } catch {
        return released + (await this.releaseOneByOne(now));
      }
      released += batch;
      if (batch < RELEASE_BATCH) return released;
    }
  }

  /**
   * The slow path after a failed batch: one job per message, so one message that
   * cannot be released is set aside for a minute instead of holding back the rest.
   */
  private async releaseOneByOne(now: number): Promise<number> {
    const seqs = this.store.read(() => this.store.statement('SELECT seq FROM delayed WHERE due_at <= ? ORDER BY due_at, seq').pluck().all(now) as number[]);
    let released = 0;
    const failures: unknown[] = [];
    for (const seq of seqs) {
      try {
        released += await this.store.writer.submit((context) => this.release(this.dueRows(now, 1, seq), context));
      } catch (error) {
        failures.push(error);
        await this.store.writer.submit(() => this.store.statement('UPDATE delayed SET due_at = due_at + ? WHERE seq = ?').run(SET_ASIDE_MS, seq));
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} delayed message(s) could not be released; retrying them in a minute`);
    return released;
  }

  private dueRows(now: number, limit: number, seq: number | null): DelayedRow[] {
    return this.store
      .statement(
        `SELECT seq, topic_id, partition, id, client_id, key, body, attributes FROM delayed
         WHERE due_at <= ? AND (? IS NULL OR seq = ?) ORDER BY due_at, seq LIMIT ?`,
      )
      .all(now, seq, seq, limit) as DelayedRow[];
  }

  /** Appends the rows to the log (and so to subscriptions) and removes them from the timers, in one job. */
  private release(due: readonly DelayedRow[], context: WriteContext): number {
    const byTopic = new Map<number, DelayedRow[]>();
    for (const row of due) {
      const rows = byTopic.get(row.topic_id) ?? [];
      rows.push(row);
      byTopic.set(row.topic_id, rows);
    }
    for (const [topicId, rows] of byTopic) {
      // Dedup was settled when the message was published; here it only learns the position.
      const outcomes = this.log.appendInTransaction(topicId, 0, rows.map(toEntry), context);
      rows.forEach((row, i) => {
        const outcome = outcomes[i];
        if (row.client_id === 1 && outcome !== undefined && 'offset' in outcome) this.dedup.markAppended(topicId, row.id, outcome.partition, outcome.offset);
      });
    }
    const remove = this.store.statement('DELETE FROM delayed WHERE seq = ?');
    for (const row of due) remove.run(row.seq);
    return due.length;
  }

  public async nextDueAt(): Promise<number | null> {
    return this.store.read(() => (this.store.statement('SELECT MIN(due_at) AS due FROM delayed').get() as { due: number | null }).due);
  }
}

function toDelayedMessage(topic: string, row: ListedRow): DelayedMessage {
  return {
    id: row.id,
    topic,
    partition: row.partition,
    ...toContent(row),
    deliverAt: iso(row.due_at),
    publishedAt: row.published_at === null ? null : iso(row.published_at),
  };
}

function toEntry(row: DelayedRow): LogEntry {
  return {
    id: row.id,
    clientId: false,
    partition: row.partition,
    ...toContent(row),
  };
}
