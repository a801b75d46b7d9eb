import type { Schedule, Subscription, Topic } from '../domain/types.js';

/** Outcome of a create-if-absent: the stored record, and whether this call created it. */
export interface Created<T> {
  readonly created: boolean;
  readonly value: T;
}

/** What a conditional change of a subscription came to (`MetadataStore.updateSubscription`). */
export const SubscriptionUpdate = {
  /** Stored, and applied to what the subscription runs on. */
  Updated: 'updated',
  /** Another change was stored since the subscription was read; nothing was stored. Read, merge and try again. */
  Stale: 'stale',
  /** The subscription read (that incarnation: topic, name and createdAt) no longer exists. */
  Gone: 'gone',
} as const;
export type SubscriptionUpdate = (typeof SubscriptionUpdate)[keyof typeof SubscriptionUpdate];

/**
 * Topics, subscriptions and schedules: the broker's configuration.
 * Creating something that exists returns the stored record untouched, so the
 * broker can answer 200 or 409 by comparing settings.
 */
export interface MetadataStore {
  createTopic(topic: Topic): Promise<Created<Topic>>;
  getTopic(name: string): Promise<Topic | null>;
  listTopics(): Promise<Topic[]>;
  /** Deletes the topic with everything that hangs off it: log, subscriptions and their queues, groups, schedules. */
  deleteTopic(name: string): Promise<boolean>;

  /**
   * Registers the subscription; from now on every message appended to its topic is
   * routed to it. With `startFrom: 'earliest'` it also starts with every retained
   * message that matches its filter, queued in the same atomic step, so no message
   * is missed, doubled or put out of key order by publishes racing the creation.
   */
  createSubscription(subscription: Subscription): Promise<Created<Subscription>>;
  getSubscription(topic: string, name: string): Promise<Subscription | null>;
  /**
   * Compare-and-set of the changeable settings (ackDeadlineSeconds,
   * maxDeliveries, retryBackoff, deadLetterAlarm): stores those of `updated`
   * only if the stored subscription is still the incarnation `read` (topic,
   * name and createdAt) with the changeable settings `read` has, and applies
   * them to whatever the subscription runs on. A change stored in between makes
   * it `Stale` and stores nothing, so no concurrent change is lost; the other
   * settings are never touched.
   */
  updateSubscription(read: Subscription, updated: Subscription): Promise<SubscriptionUpdate>;
  listSubscriptions(topic: string): Promise<Subscription[]>;
  deleteSubscription(topic: string, name: string): Promise<boolean>;

  /** Creates or replaces the schedule; `nextFireAt` is stored as given. */
  putSchedule(schedule: Schedule): Promise<Created<Schedule>>;
  getSchedule(name: string): Promise<Schedule | null>;
  listSchedules(): Promise<Schedule[]>;
  deleteSchedule(name: string): Promise<boolean>;
  /** Schedules whose next tick is at or before `now`. */
  dueSchedules(now: number): Promise<Schedule[]>;
  /**
   * Records a fired tick, only if the schedule still expects `expectedNextFireAt`
   * (another process, or a replacement, may have moved it on). Returns whether it did.
   */
  advanceSchedule(name: string, expectedNextFireAt: string | null, lastFiredAt: string, nextFireAt: string | null): Promise<boolean>;
  /** Earliest next tick of any schedule (epoch ms), or null. */
  nextScheduleAt(): Promise<number | null>;
}
