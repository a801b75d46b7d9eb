import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, InvalidRequestError, SubscriptionNotFoundError, UnavailableError, preview } from '../domain/errors.js';
import { sameChangeableSettings } from '../domain/subscriptionSettings.js';
import type { ExternalQueues, Json, Subscription, SubscriptionChanges, SubscriptionSettings, SubscriptionStats, Topic } from '../domain/types.js';
import type { Backend } from '../ports/Backend.js';
import type { Clock } from '../ports/Clock.js';
import { SubscriptionUpdate } from '../ports/MetadataStore.js';
import type { ReadPosition } from '../ports/MessageLog.js';
import { noTelemetry, type Telemetry } from '../ports/Telemetry.js';
import { SubscriptionMatcher } from '../routing/SubscriptionMatcher.js';
import { canonicalJson } from './canonicalJson.js';
import type { TopicAdmin } from './TopicAdmin.js';
import { toRfc3339 } from './time.js';

/** A subscription with its stats and, on backends with queues of their own, where outside consumers attach (`aws`). */
export interface SubscriptionDescription extends Subscription, ExternalQueues {
  readonly stats: SubscriptionStats;
}

const READ_PAGE = 1000;
/** Read-merge-write rounds a PATCH may lose to concurrent changes before it answers 503. */
const UPDATE_ATTEMPTS = 8;
/** Upper bound of the random pause after a lost round, times the round: racing changes spread out. */
const CONFLICT_PAUSE_MS = 20;

function sameSettings(a: SubscriptionSettings, b: SubscriptionSettings): boolean {
  return sameChangeableSettings(a, b) && canonicalJson(a.filter) === canonicalJson(b.filter) && a.ordered === b.ordered && a.startFrom === b.startFrom;
}

/** Settings fixed at creation: what the queue holds and how it is fed depends on them. */
const FIXED_SETTINGS = ['filter', 'ordered', 'startFrom'] as const;

/** The first fixed setting `changes` gives another value than `current` has, or null. */
function changedFixedSetting(current: SubscriptionSettings, changes: SubscriptionChanges): (typeof FIXED_SETTINGS)[number] | null {
  const same = (a: Json | boolean | string | null, b: Json | boolean | string | null): boolean => canonicalJson(a) === canonicalJson(b);
  return FIXED_SETTINGS.find((setting) => changes[setting] !== undefined && !same(changes[setting], current[setting])) ?? null;
}

/** `current` with `changes` merged in; ConflictError for a fixed setting given another value, InvalidRequestError for a reversed backoff. */
function changed(current: Subscription, changes: SubscriptionChanges): Subscription {
  const fixed = changedFixedSetting(current, changes);
  if (fixed !== null) {
    throw new ConflictError(
      `${fixed} cannot change: subscription ${JSON.stringify(current.name)} has ${fixed} ${preview(current[fixed])}, and ${preview(changes[fixed])} was provided; create a subscription under another name for other ${fixed} settings`,
      { details: { setting: fixed, existing: current[fixed] } },
    );
  }
  const retryBackoff = { ...current.retryBackoff, ...changes.retryBackoff };
  if (retryBackoff.minSeconds > retryBackoff.maxSeconds) {
    throw new InvalidRequestError(
      `body.retryBackoff: minSeconds must not exceed maxSeconds, but ${retryBackoff.minSeconds} > ${retryBackoff.maxSeconds} would result (the subscription has ${JSON.stringify(current.retryBackoff)})`,
    );
  }
  return {
    ...current,
    ackDeadlineSeconds: changes.ackDeadlineSeconds ?? current.ackDeadlineSeconds,
    maxDeliveries: changes.maxDeliveries ?? current.maxDeliveries,
    retryBackoff,
    deadLetterAlarm: changes.deadLetterAlarm ?? current.deadLetterAlarm,
  };
}

/**
 * Subscriptions: each one is its own queue, fed with a copy of every message
 * of its topic that matches its filter (SNS/EventBridge fan-out into SQS).
 *
 * @example
 * await subscriptions.create('orders', 'billing', { ...defaults, filter: { key: [{ wildcard: 'orders.*.created' }] } });
 */
export class SubscriptionAdmin {
  public constructor(
    private readonly backend: Backend,
    private readonly topics: TopicAdmin,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry = noTelemetry,
  ) {}

  public async create(topicName: string, name: string, settings: SubscriptionSettings): Promise<{ created: boolean; subscription: SubscriptionDescription }> {
    const topic = await this.topics.require(topicName);
    new SubscriptionMatcher(settings.filter); // rejects a bad pattern before anything is stored
    const { created, value } = await this.backend.metadata.createSubscription({
      topic: topic.name,
      name,
      ...settings,
      createdAt: toRfc3339(this.clock.now()),
    });
    if (!created && !sameSettings(value, settings)) {
      throw new ConflictError(`subscription ${JSON.stringify(name)} exists on topic ${JSON.stringify(topic.name)} with other settings`, {
        details: { existing: value },
      });
    }
    return { created, subscription: await this.describeSubscription(value) };
  }

  /**
   * Changes the settings that can change safely while messages wait and are
   * leased: the ack deadline (for leases taken from now on), maxDeliveries and
   * the retry backoff (for the next failed delivery), the dead-letter alarm.
   * `filter`, `ordered` and `startFrom` decide what the queue holds and how it
   * is fed, so a different value of one is a ConflictError naming it; the same
   * value is accepted and changes nothing. Returns the updated subscription.
   *
   * Read, merge, validate and a compare-and-set write: when another change is
   * stored between the read and the write, the whole step runs again on what
   * is stored now, so concurrent changes of different settings all survive.
   * After UPDATE_ATTEMPTS lost races it gives up with Unavailable (503) and
   * nothing of this change is stored.
   */
  public async update(topicName: string, name: string, changes: SubscriptionChanges): Promise<SubscriptionDescription> {
    // An invalid pattern is refused as at creation (InvalidFilter), before it is compared with anything.
    if (changes.filter !== undefined) new SubscriptionMatcher(changes.filter);
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.require(topicName, name);
      const updated = changed(current, changes);
      const outcome = await this.backend.metadata.updateSubscription(current, updated);
      if (outcome === SubscriptionUpdate.Updated) return this.describeSubscription(updated);
      if (outcome === SubscriptionUpdate.Gone) throw new SubscriptionNotFoundError(topicName, name);
      if (attempt === UPDATE_ATTEMPTS) {
        throw new UnavailableError(
          `subscription ${JSON.stringify(name)} of topic ${JSON.stringify(topicName)} was changed by other requests ${attempt} times while this change was made; nothing of it was stored, retry it`,
        );
      }
      await sleep(Math.random() * CONFLICT_PAUSE_MS * attempt);
    }
  }

  /** The subscription, or SubscriptionNotFoundError (TopicNotFoundError first when the topic is missing). */
  public async require(topicName: string, name: string): Promise<Subscription> {
    const subscription = await this.backend.metadata.getSubscription(topicName, name);
    if (subscription !== null) return subscription;
    await this.topics.require(topicName);
    throw new SubscriptionNotFoundError(topicName, name);
  }

  public async describe(topicName: string, name: string): Promise<SubscriptionDescription> {
    return this.describeSubscription(await this.require(topicName, name));
  }

  public async list(topicName: string): Promise<SubscriptionDescription[]> {
    const topic = await this.topics.require(topicName);
    const subscriptions = await this.backend.metadata.listSubscriptions(topic.name);
    return Promise.all(subscriptions.map((subscription) => this.describeSubscription(subscription)));
  }

  /** Deletes the subscription with its queues; its metrics go with it. */
  public async delete(topicName: string, name: string): Promise<void> {
    if (await this.backend.metadata.deleteSubscription(topicName, name)) {
      this.telemetry.subscriptionDeleted(topicName, name);
      return;
    }
    await this.require(topicName, name);
  }

  /**
   * Pub/Sub-style seek: every retained message published at or after `time`
   * that matches the filter is queued again for this subscription only.
   * Messages already waiting in it are not doubled. Returns how many were queued.
   */
  public async seek(topicName: string, name: string, time: number): Promise<number> {
    const subscription = await this.require(topicName, name);
    return this.requeueRetained(await this.topics.require(topicName), subscription, { time });
  }

  private async describeSubscription(subscription: Subscription): Promise<SubscriptionDescription> {
    const queues = this.backend.queues;
    const [stats, external] = await Promise.all([queues.stats(subscription), queues.externalQueues?.(subscription)]);
    return { ...subscription, stats, ...external };
  }

  /** Reads each partition from `from` up to its head as of now, queueing the matches. */
  private async requeueRetained(topic: Topic, subscription: Subscription, from: { time: number }): Promise<number> {
    const matcher = new SubscriptionMatcher(subscription.filter);
    let queued = 0;
    for (const { partition, nextOffset: head } of await this.backend.log.stats(topic)) {
      let position: ReadPosition = from;
      for (;;) {
        const page = await this.backend.log.read(topic, partition, position, READ_PAGE);
        const matching = page.messages.filter((message) => message.offset < head && matcher.matches(message));
        if (matching.length > 0) queued += await this.backend.queues.requeue(subscription, matching);
        if (page.messages.length === 0 || page.nextOffset >= head) break;
        position = { offset: page.nextOffset };
      }
    }
    return queued;
  }
}
