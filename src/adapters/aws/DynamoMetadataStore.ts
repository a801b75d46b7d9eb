import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StartFrom } from '../../domain/constants.js';
import { StorageError, TopicNotFoundError } from '../../domain/errors.js';
import type { Schedule, Subscription, Topic } from '../../domain/types.js';
import { sameChangeableSettings } from '../../domain/subscriptionSettings.js';
import { SubscriptionUpdate, type Created, type MetadataStore } from '../../ports/MetadataStore.js';
import { callAws, translateAwsError } from './awsErrors.js';
import type { AwsClients } from './clients.js';
import type { Backfill, ScheduleTimers, SubscriptionProvisioner } from './collaborators.js';
import { Backoff } from './dynamo/backoff.js';
import { fanOutOf, fromSubscriptionItem, fromTopicItem, metaKeys, TOPICS_PK, topicCheck, toSubscriptionItem, toTopicItem, type MetaKey } from './dynamo/metaItems.js';
import { deleteAll, queryAll } from './dynamo/metaQueries.js';
import { ScheduleTable } from './dynamo/ScheduleTable.js';
import { conditionFailureItem, isConditionFailure, TRANSIENT_REASONS, transact } from './dynamo/transactions.js';
import type { RoutedSubscription } from './packs/packFormat.js';
import type { AwsResources } from './resources.js';

/** How often a change applies newer stored settings to the queues before leaving them to the next change. */
const APPLY_ROUNDS = 5;

/** What lives outside DynamoDB: a subscription's queues and rule, its backfill, and the schedules' timers. */
export interface MetadataCollaborators {
  readonly provisioner: SubscriptionProvisioner;
  readonly backfill: Backfill;
  readonly timers: ScheduleTimers;
}

/**
 * Topics, subscriptions, schedules (and the cleanup of group offsets) in the
 * meta table; see dynamo/metaItems.ts for the layout. Creating or deleting a
 * subscription or schedule also creates or removes what it owns in SQS,
 * EventBridge and EventBridge Scheduler, through the collaborators, and undoes
 * its own write when that fails, so the two sides do not drift apart.
 *
 * @example
 * const metadata = new DynamoMetadataStore(clients, resources, { provisioner, backfill, timers });
 * const { created, value } = await metadata.createTopic({ name: 'orders', partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600, createdAt });
 */
export class DynamoMetadataStore implements MetadataStore {
  private readonly schedules: ScheduleTable;

  public constructor(
    private readonly clients: Pick<AwsClients, 'dynamo'>,
    private readonly resources: Pick<AwsResources, 'metaTable'>,
    private readonly collaborators: MetadataCollaborators,
  ) {
    this.schedules = new ScheduleTable(clients.dynamo, resources.metaTable);
  }

  public async createTopic(topic: Topic): Promise<Created<Topic>> {
    try {
      await this.clients.dynamo.send(
        new PutCommand({ TableName: this.table, Item: toTopicItem(topic), ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );
      return { created: true, value: topic };
    } catch (error) {
      if (!isConditionFailure(error)) throw translateAwsError(error, 'create a topic');
      const stored = conditionFailureItem(error) ?? (await this.item(metaKeys.topic(topic.name)));
      if (stored === undefined) throw new StorageError(`topic ${JSON.stringify(topic.name)} was deleted while it was created; retry`);
      return { created: false, value: fromTopicItem(stored) };
    }
  }

  public async getTopic(name: string): Promise<Topic | null> {
    const item = await this.item(metaKeys.topic(name));
    return item === undefined ? null : fromTopicItem(item);
  }

  public async listTopics(): Promise<Topic[]> {
    return (await this.query(TOPICS_PK, 'list topics')).map(fromTopicItem);
  }

  /**
   * Removes, in this order, each subscription (its resources, then its item),
   * the topic's schedules (timer, then item), its group offsets, and last the
   * topic item, so a deletion cut short leaves the topic in place to delete
   * again. Log items and dedup entries belong to this incarnation of the topic
   * only (names.ts) and are left to DynamoDB TTL.
   */
  public async deleteTopic(name: string): Promise<boolean> {
    for (const subscription of await this.listSubscriptions(name)) await this.removeSubscription(subscription);
    for (const schedule of (await this.schedules.list()).filter((schedule) => schedule.topic === name)) {
      await this.deleteSchedule(schedule.name);
    }
    const offsets = await this.query(metaKeys.groups(name), 'list group offsets');
    await deleteAll(this.clients.dynamo, this.table, offsets as unknown as MetaKey[], 'delete group offsets');
    return this.deleteItem(metaKeys.topic(name), 'delete a topic');
  }

  /**
   * Provisions the subscription's queues and rule first, then stores it on the
   * condition that neither it exists nor its topic went away; a process that
   * loses a creation race removes what it provisioned (its resource names
   * differ from the winner's: they derive from `createdAt`). If provisioning
   * fails, nothing is stored.
   *
   * Unlike the embedded store, the backfill of `startFrom: "earliest"` cannot
   * share a transaction with the creation: it runs after the subscription is
   * stored, so a message published meanwhile may be queued twice (by the relay,
   * which reads the subscription, and by the backfill), but none is missed. A failed backfill removes the subscription
   * again and throws, so a retried create starts over.
   */
  public async createSubscription(subscription: Subscription): Promise<Created<Subscription>> {
    const existing = await this.getSubscription(subscription.topic, subscription.name);
    if (existing !== null) return { created: false, value: existing };
    const topic = await this.getTopic(subscription.topic);
    if (topic === null) throw new TopicNotFoundError(subscription.topic);
    await callAws('provision a subscription', () => this.collaborators.provisioner.provision(subscription));
    const winner = await this.storeSubscription(topic, subscription);
    if (winner !== null) {
      const sameResources = winner.createdAt === subscription.createdAt && winner.ordered === subscription.ordered;
      if (!sameResources) await callAws('remove a subscription', () => this.collaborators.provisioner.destroy(subscription));
      return { created: false, value: winner };
    }
    if (subscription.startFrom === StartFrom.Earliest) {
      try {
        await this.collaborators.backfill(topic, subscription);
      } catch (error) {
        await this.removeSubscription(subscription).catch(() => undefined); // the backfill's error is the one to report
        throw translateAwsError(error, 'backfill a subscription');
      }
    }
    return { created: true, value: subscription };
  }

  public async getSubscription(topic: string, name: string): Promise<Subscription | null> {
    const item = await this.item(metaKeys.subscription(topic, name));
    return item === undefined ? null : fromSubscriptionItem(item);
  }

  /**
   * Stores the change on the item of this incarnation, on the condition that
   * it still holds the changeable settings `read` has (a compare-and-set: a
   * change stored meanwhile makes this one `Stale`), and only then applies the
   * stored settings to the queues and the alarm (applyStored). A change cut
   * short after the write is finished by making it again: the write then
   * changes nothing and the settings are applied.
   */
  public async updateSubscription(read: Subscription, updated: Subscription): Promise<SubscriptionUpdate> {
    const key = metaKeys.subscription(read.topic, read.name);
    // Items written before deadLetterAlarm existed lack it and have their alarm.
    const alarmRead = read.deadLetterAlarm ? '(attribute_not_exists(deadLetterAlarm) OR deadLetterAlarm = :alarmRead)' : 'deadLetterAlarm = :alarmRead';
    try {
      await this.clients.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET ackDeadlineSeconds = :ack, maxDeliveries = :max, retryBackoffMinSeconds = :min, retryBackoffMaxSeconds = :maxBackoff, deadLetterAlarm = :alarm',
          ConditionExpression: [
            'createdAt = :createdAt',
            'ackDeadlineSeconds = :ackRead',
            'maxDeliveries = :maxRead',
            'retryBackoffMinSeconds = :minRead',
            'retryBackoffMaxSeconds = :maxBackoffRead',
            alarmRead,
          ].join(' AND '),
          ExpressionAttributeValues: {
            ':ack': updated.ackDeadlineSeconds,
            ':max': updated.maxDeliveries,
            ':min': updated.retryBackoff.minSeconds,
            ':maxBackoff': updated.retryBackoff.maxSeconds,
            ':alarm': updated.deadLetterAlarm,
            ':createdAt': read.createdAt,
            ':ackRead': read.ackDeadlineSeconds,
            ':maxRead': read.maxDeliveries,
            ':minRead': read.retryBackoff.minSeconds,
            ':maxBackoffRead': read.retryBackoff.maxSeconds,
            ':alarmRead': read.deadLetterAlarm,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw translateAwsError(error, 'change a subscription');
      const stored = conditionFailureItem(error) ?? (await this.item(key));
      return stored === undefined || stored['createdAt'] !== read.createdAt ? SubscriptionUpdate.Gone : SubscriptionUpdate.Stale;
    }
    await this.applyStored(updated);
    return SubscriptionUpdate.Updated;
  }

  public async listSubscriptions(topic: string): Promise<Subscription[]> {
    return (await this.query(metaKeys.subscriptions(topic), 'list subscriptions')).map(fromSubscriptionItem);
  }

  /** The topic's subscriptions with how the relay reaches each (StreamRelay's RouteCatalog). */
  public async listRoutedSubscriptions(topic: string): Promise<RoutedSubscription[]> {
    return (await this.query(metaKeys.subscriptions(topic), 'list subscriptions')).map((item) => ({ subscription: fromSubscriptionItem(item), fanOut: fanOutOf(item) }));
  }

  /** Removes the queues and rule first, then the item: a deletion cut short can be repeated. */
  public async deleteSubscription(topic: string, name: string): Promise<boolean> {
    const subscription = await this.getSubscription(topic, name);
    return subscription !== null && this.removeSubscription(subscription);
  }

  /**
   * Stores the schedule, then creates or updates its EventBridge Scheduler
   * schedule; when that fails, the previous item is put back (or the new one
   * removed) and the error thrown.
   */
  public async putSchedule(schedule: Schedule): Promise<Created<Schedule>> {
    if ((await this.getTopic(schedule.topic)) === null) throw new TopicNotFoundError(schedule.topic);
    const previous = await this.schedules.upsert(schedule);
    const value: Schedule = { ...schedule, createdAt: previous?.createdAt ?? schedule.createdAt, lastFiredAt: previous?.lastFiredAt ?? schedule.lastFiredAt };
    try {
      await this.collaborators.timers.put(value);
    } catch (error) {
      // The timer's error is the one to report; if the restore fails too, the next put brings both sides together.
      await this.schedules.restore(schedule.name, previous).catch(() => undefined);
      throw translateAwsError(error, 'create a schedule timer');
    }
    return { created: previous === undefined, value };
  }

  public getSchedule(name: string): Promise<Schedule | null> {
    return this.schedules.get(name);
  }

  public listSchedules(): Promise<Schedule[]> {
    return this.schedules.list();
  }

  /** Removes the timer first, then the item. */
  public async deleteSchedule(name: string): Promise<boolean> {
    if ((await this.schedules.get(name)) === null) return false;
    await callAws('delete a schedule timer', () => this.collaborators.timers.delete(name));
    return this.schedules.delete(name);
  }

  /** One query over the schedules, filtered on `nextFireAtMs`; EventBridge Scheduler's target calls this through the broker's fireDue. */
  public dueSchedules(now: number): Promise<Schedule[]> {
    return this.schedules.list(now);
  }

  public advanceSchedule(name: string, expectedNextFireAt: string | null, lastFiredAt: string, nextFireAt: string | null): Promise<boolean> {
    return this.schedules.advance(name, expectedNextFireAt, lastFiredAt, nextFireAt);
  }

  public async nextScheduleAt(): Promise<number | null> {
    const times = (await this.schedules.list()).flatMap((schedule) => (schedule.nextFireAt === null ? [] : [Date.parse(schedule.nextFireAt)]));
    return times.length === 0 ? null : Math.min(...times);
  }

  /**
   * Applies `subscription`'s settings to its queues and alarm, then reads the
   * item again and, while it holds other settings (a concurrent change was
   * stored after ours), applies those. Concurrent changes may reach SQS in any
   * order, but each one's last application is followed by a read that found
   * what it applied, so the last application is of the last stored settings.
   * After APPLY_ROUNDS the queue may still lag; the next PATCH applies again.
   */
  private async applyStored(subscription: Subscription): Promise<void> {
    let applied = subscription;
    for (let round = 1; ; round += 1) {
      await callAws('change a subscription', () => this.collaborators.provisioner.update(applied));
      const stored = await this.getSubscription(applied.topic, applied.name);
      if (stored === null || stored.createdAt !== applied.createdAt || sameChangeableSettings(stored, applied) || round === APPLY_ROUNDS) return;
      applied = stored;
    }
  }

  private get table(): string {
    return this.resources.metaTable;
  }

  /**
   * Puts the subscription item if it does not exist and the topic (this
   * incarnation) does. Returns null when it stored it, or the winner of a race.
   */
  private async storeSubscription(topic: Topic, subscription: Subscription): Promise<Subscription | null> {
    const put = {
      Put: { TableName: this.table, Item: toSubscriptionItem(subscription, this.collaborators.provisioner.fanOut), ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const },
    };
    const backoff = new Backoff();
    for (;;) {
      const result = await transact(this.clients.dynamo, [topicCheck(this.table, topic), put], 'store a subscription');
      if (result.committed) return null;
      const [topicGone, taken] = result.reasons;
      if (topicGone?.code === 'ConditionalCheckFailed' || taken?.code === 'ConditionalCheckFailed') {
        const winner = taken?.item ?? (await this.item(metaKeys.subscription(subscription.topic, subscription.name)));
        if (winner !== undefined) return fromSubscriptionItem(winner);
        await callAws('remove a subscription', () => this.collaborators.provisioner.destroy(subscription));
        throw new TopicNotFoundError(subscription.topic);
      }
      if (!result.reasons.every((reason) => reason.code === 'None' || TRANSIENT_REASONS.has(reason.code))) {
        await callAws('remove a subscription', () => this.collaborators.provisioner.destroy(subscription));
        throw new StorageError(`DynamoDB refused to store subscription ${JSON.stringify(subscription.name)}: ${result.reasons.map((reason) => reason.code).join(', ')}`);
      }
      await backoff.wait('store a subscription');
    }
  }

  private async removeSubscription(subscription: Subscription): Promise<boolean> {
    await callAws('remove a subscription', () => this.collaborators.provisioner.destroy(subscription));
    return this.deleteItem(metaKeys.subscription(subscription.topic, subscription.name), 'delete a subscription');
  }

  private async item(key: MetaKey): Promise<Record<string, unknown> | undefined> {
    const { Item } = await callAws('read metadata', () => this.clients.dynamo.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true })));
    return Item;
  }

  private query(pk: string, what: string): Promise<Array<Record<string, unknown>>> {
    return queryAll(this.clients.dynamo, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }, what);
  }

  /** Whether there was an item to delete. */
  private async deleteItem(key: MetaKey, what: string): Promise<boolean> {
    const { Attributes } = await callAws(what, () => this.clients.dynamo.send(new DeleteCommand({ TableName: this.table, Key: key, ReturnValues: 'ALL_OLD' })));
    return Attributes !== undefined;
  }
}
