import { StartFrom } from '../../domain/constants.js';
import type { Schedule, Subscription, Topic } from '../../domain/types.js';
import { SubscriptionMatcher } from '../../routing/SubscriptionMatcher.js';
import { sameChangeableSettings } from '../../domain/subscriptionSettings.js';
import { SubscriptionUpdate, type Created, type MetadataStore } from '../../ports/MetadataStore.js';
import { SUBSCRIPTION_SELECT } from './Catalog.js';
import { ChunkedDelete } from './ChunkedDelete.js';
import type { QueueRows } from './QueueRows.js';
import type { RecentMessages } from './RecentMessages.js';
import { toContent, toSchedule, type ContentColumns, toSubscription, toTopic, type ScheduleRow, type SubscriptionRow, type TopicRow } from './rows.js';
import type { SqliteStore } from './SqliteStore.js';

const SCHEDULE_SELECT = `SELECT s.*, t.name AS topic FROM schedules s JOIN topics t ON t.id = s.topic_id`;
const ms = (rfc3339: string | null): number | null => (rfc3339 === null ? null : Date.parse(rfc3339));

/**
 * Topics, subscriptions and schedules in SQLite. Deleting a topic or a
 * subscription first empties it in chunks (ChunkedDelete); the last, small
 * transaction cascades through foreign keys.
 */
export class SqliteMetadataStore implements MetadataStore {
  private readonly chunked: ChunkedDelete;

  public constructor(
    private readonly store: SqliteStore,
    private readonly queueRows: QueueRows,
    private readonly recent: RecentMessages,
    chunkRows?: number,
  ) {
    this.chunked = new ChunkedDelete(store, recent, chunkRows);
  }

  public createTopic(topic: Topic): Promise<Created<Topic>> {
    return this.store.writer.submit((context) => {
      const existing = this.topicRow(topic.name);
      if (existing !== undefined) return { created: false, value: toTopic(existing) };
      this.store.catalog.changed(context);
      const { lastInsertRowid } = this.store
        .statement('INSERT INTO topics (name, partitions, retention_hours, dedup_window_seconds, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(topic.name, topic.partitions, topic.retentionHours, topic.dedupWindowSeconds, Date.parse(topic.createdAt));
      const insertPartition = this.store.statement('INSERT INTO partitions (topic_id, partition) VALUES (?, ?)');
      for (let partition = 0; partition < topic.partitions; partition += 1) insertPartition.run(lastInsertRowid, partition);
      return { created: true, value: topic };
    });
  }

  public async getTopic(name: string): Promise<Topic | null> {
    const row = this.store.read(() => this.topicRow(name));
    return row === undefined ? null : toTopic(row);
  }

  public async listTopics(): Promise<Topic[]> {
    const rows = this.store.read(() => this.store.statement('SELECT * FROM topics ORDER BY name').all() as TopicRow[]);
    return rows.map(toTopic);
  }

  public async deleteTopic(name: string): Promise<boolean> {
    const topic = this.store.read(() => this.topicRow(name));
    if (topic === undefined) return false;
    const subIds = this.store.read(() => this.store.statement('SELECT id FROM subscriptions WHERE topic_id = ?').all(topic.id) as Array<{ id: number }>);
    await this.chunked.emptyTopic(topic.id, subIds.map(({ id }) => id));
    return this.store.writer.submit((context) => {
      this.store.catalog.changed(context);
      // What was published and leased while the chunks ran goes with the cascade: its cached messages (their seqs may be reused) and leases too.
      const cascaded = this.store.statement('SELECT id FROM subscriptions WHERE topic_id = ?').all(topic.id) as Array<{ id: number }>;
      const deleted = this.store.statement('DELETE FROM topics WHERE id = ?').run(topic.id).changes > 0;
      if (deleted) {
        this.recent.clear();
        for (const { id } of [...subIds, ...cascaded]) this.queueRows.leases.forget(id);
      }
      return deleted;
    });
  }

  public createSubscription(subscription: Subscription): Promise<Created<Subscription>> {
    return this.store.writer.submit((context) => {
      const existing = this.subscriptionRow(subscription.topic, subscription.name);
      if (existing !== undefined) return { created: false, value: toSubscription(existing) };
      const topicId = this.store.topicId(subscription.topic);
      this.store.catalog.changed(context);
      const { lastInsertRowid } = this.store
        .statement(
          `INSERT INTO subscriptions (topic_id, name, filter, ack_deadline_seconds, max_deliveries, backoff_min_seconds, backoff_max_seconds, ordered, start_from, created_at, dead_letter_alarm)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          topicId,
          subscription.name,
          subscription.filter === null ? null : JSON.stringify(subscription.filter),
          subscription.ackDeadlineSeconds,
          subscription.maxDeliveries,
          subscription.retryBackoff.minSeconds,
          subscription.retryBackoff.maxSeconds,
          subscription.ordered ? 1 : 0,
          subscription.startFrom,
          Date.parse(subscription.createdAt),
          subscription.deadLetterAlarm ? 1 : 0,
        );
      if (subscription.startFrom === StartFrom.Earliest) this.backfill(topicId, Number(lastInsertRowid), subscription);
      return { created: true, value: subscription };
    });
  }

  public async getSubscription(topic: string, name: string): Promise<Subscription | null> {
    const row = this.store.read(() => this.subscriptionRow(topic, name));
    return row === undefined ? null : toSubscription(row);
  }

  /**
   * One write job: the row of this incarnation is read, compared with `read`
   * and updated, so no other write comes between the comparison and the
   * UPDATE. Queue operations read the changeable columns from the row on every call.
   */
  public updateSubscription(read: Subscription, updated: Subscription): Promise<SubscriptionUpdate> {
    return this.store.writer.submit((context) => {
      const row = this.subscriptionRow(read.topic, read.name);
      if (row === undefined || row.created_at !== Date.parse(read.createdAt)) return SubscriptionUpdate.Gone;
      if (!sameChangeableSettings(toSubscription(row), read)) return SubscriptionUpdate.Stale;
      this.store.catalog.changed(context);
      this.store
        .statement('UPDATE subscriptions SET ack_deadline_seconds = ?, max_deliveries = ?, backoff_min_seconds = ?, backoff_max_seconds = ?, dead_letter_alarm = ? WHERE id = ?')
        .run(
          updated.ackDeadlineSeconds,
          updated.maxDeliveries,
          updated.retryBackoff.minSeconds,
          updated.retryBackoff.maxSeconds,
          updated.deadLetterAlarm ? 1 : 0,
          row.id,
        );
      return SubscriptionUpdate.Updated;
    });
  }

  public async listSubscriptions(topic: string): Promise<Subscription[]> {
    const rows = this.store.read(
      () => this.store.statement(`${SUBSCRIPTION_SELECT} WHERE t.name = ? ORDER BY s.name`).all(topic) as SubscriptionRow[],
    );
    return rows.map(toSubscription);
  }

  public async deleteSubscription(topic: string, name: string): Promise<boolean> {
    const subscription = this.store.read(() => this.subscriptionRow(topic, name));
    if (subscription === undefined) return false;
    await this.chunked.emptySubscription(subscription.id);
    return this.store.writer.submit((context) => {
      this.store.catalog.changed(context);
      const deleted = this.store.statement('DELETE FROM subscriptions WHERE id = ?').run(subscription.id).changes > 0;
      // Its leases end with it, not chunk by chunk: until then the rows left are still held by their consumers.
      if (deleted) this.queueRows.leases.forget(subscription.id);
      return deleted;
    });
  }

  public putSchedule(schedule: Schedule): Promise<Created<Schedule>> {
    return this.store.writer.submit(() => {
      const topicId = this.store.topicId(schedule.topic);
      const created = this.scheduleRow(schedule.name) === undefined;
      this.store
        .statement(
          `INSERT INTO schedules (name, topic_id, cron, timezone, message, created_at, next_fire_at, last_fired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET topic_id = excluded.topic_id, cron = excluded.cron, timezone = excluded.timezone,
             message = excluded.message, next_fire_at = excluded.next_fire_at`,
        )
        .run(
          schedule.name,
          topicId,
          schedule.cron,
          schedule.timezone,
          JSON.stringify(schedule.message),
          Date.parse(schedule.createdAt),
          ms(schedule.nextFireAt),
          ms(schedule.lastFiredAt),
        );
      return { created, value: toSchedule(this.scheduleRow(schedule.name)!) };
    });
  }

  public async getSchedule(name: string): Promise<Schedule | null> {
    const row = this.store.read(() => this.scheduleRow(name));
    return row === undefined ? null : toSchedule(row);
  }

  public async listSchedules(): Promise<Schedule[]> {
    return this.store.read(() => this.store.statement(`${SCHEDULE_SELECT} ORDER BY s.name`).all() as ScheduleRow[]).map(toSchedule);
  }

  public deleteSchedule(name: string): Promise<boolean> {
    return this.store.writer.submit(() => this.store.statement('DELETE FROM schedules WHERE name = ?').run(name).changes > 0);
  }

  public async dueSchedules(now: number): Promise<Schedule[]> {
    return this.store
      .read(() => this.store.statement(`${SCHEDULE_SELECT} WHERE s.next_fire_at <= ? ORDER BY s.next_fire_at`).all(now) as ScheduleRow[])
      .map(toSchedule);
  }

  public advanceSchedule(name: string, expectedNextFireAt: string | null, lastFiredAt: string, nextFireAt: string | null): Promise<boolean> {
    return this.store.writer.submit(
      () =>
        this.store
          .statement('UPDATE schedules SET last_fired_at = ?, next_fire_at = ? WHERE name = ? AND next_fire_at IS ?')
          .run(ms(lastFiredAt), ms(nextFireAt), name, ms(expectedNextFireAt)).changes > 0,
    );
  }

  public async nextScheduleAt(): Promise<number | null> {
    const row = this.store.read(() => this.store.statement('SELECT MIN(next_fire_at) AS due FROM schedules').get() as { due: number | null });
    return row.due;
  }

  /** Queues every retained message of the topic that matches the new subscription's filter, oldest first. */
  private backfill(topicId: number, subId: number, subscription: Subscription): void {
    const matcher = new SubscriptionMatcher(subscription.filter);
    const page = this.store.statement('SELECT seq, key, body, attributes FROM log WHERE topic_id = ? AND seq > ? ORDER BY seq LIMIT 1000');
    const now = Date.parse(subscription.createdAt);
    for (let after = 0; ; ) {
      const rows = page.all(topicId, after) as Array<ContentColumns & { seq: number }>;
      if (rows.length === 0) return;
      after = rows.at(-1)!.seq;
      const matching = rows.filter((row) => matcher.matches(toContent(row)));
      this.queueRows.enqueue(subId, subscription.ordered, matching, now);
    }
  }

  private topicRow(name: string): TopicRow | undefined {
    return this.store.catalog.topic(name);
  }

  private subscriptionRow(topic: string, name: string): SubscriptionRow | undefined {
    return this.store.catalog.subscription(topic, name);
  }

  private scheduleRow(name: string): ScheduleRow | undefined {
    return this.store.statement(`${SCHEDULE_SELECT} WHERE s.name = ?`).get(name) as ScheduleRow | undefined;
  }
}
