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

const RELEASE_BATCH = 1000;
const SET_ASIDE_MS = 60_000;

/**
 * Delayed messages wait in a table indexed by due time. A release moves due rows
 * into the log in one transaction (delete + append + fan-out), so a message is
 * never both waiting and appended, nor lost between the two.
 */
export class SqliteDelayedMessages implements DelayedMessages {
  public constructor(
    private readonly store: SqliteStore,
    private readonly dedup: SqliteDedupIndex,
    private readonly log: SqliteMessageLog,
  ) {}

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

function toEntry(row: DelayedRow): LogEntry {
  return {
    id: row.id,
    clientId: false,
    partition: row.partition,
    ...toContent(row),
  };
}
